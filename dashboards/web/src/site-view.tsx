// 现场态势 — the dispatcher's site view (issue 6): per enterprise, the zones with their live
// head-count against the limit, each belt's running state and today's tonnage against the approved
// capacity, and the main meter's load against the declared status (明停暗开 at a glance). The
// enterprise views come over HTTP every 10 s; head-counts and meter/belt readings are pushed.
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.ts';
import type { Lang } from './i18n.ts';
import { useNames } from './names.ts';

const L = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);
const DECLARED: Record<string, { zh: string; en: string }> = { producing: { zh: '生产', en: 'producing' }, stopped: { zh: '停产', en: 'stopped' }, rectifying: { zh: '停产整顿', en: 'rectifying' } };
/** DOMAIN.md §6: a declared-stopped enterprise above idle + 30 % of the production increment is suspect */
const SUSPECT_LEVEL = 0.3;

interface Value {
  device: string;
  value: number;
  at: string;
}
export interface EnterpriseView {
  id: string;
  name: string | null;
  declaredStatus: string;
  power: { idleKw: number; productionKw: number } | null;
  live: {
    powerKw: Value[];
    beltRunning: Value[];
    beltTph: Value[];
    beltToday: { site: string | null; device: string; tonnes: number; capacity: number | null; alarmAbove: number | null }[];
    zones: { site: string; zone: string; name: string | null; maxPersons: number | null; highRisk: boolean; persons: number }[];
  };
}

export interface SiteFeed {
  /** the topics this view needs besides `alarms` (occupancy:{site}, readings:{device}) */
  want(topics: string[]): void;
  listen(fn: (m: { type: 'occupancy' | 'reading'; data: any }) => void): () => void;
}

function Bar({ value, max, warn }: { value: number; max: number | null; warn: boolean }) {
  const pct = max ? Math.min(100, (value / max) * 100) : 0;
  return <span class={`bar${warn ? ' warn' : ''}`}><span style={{ width: `${pct}%` }} /></span>;
}

export function SiteView({ token, lang, feed }: { token: string; lang: Lang; feed: SiteFeed }) {
  const names = useNames(token);
  const [ents, setEnts] = useState<EnterpriseView[]>([]);
  const [pushed, setPushed] = useState<Record<string, number>>({});
  useEffect(() => {
    const load = () => get<{ enterprises: EnterpriseView[] }>('/api/v1/enterprises', token).then((j) => setEnts(j.enterprises), () => {});
    void load();
    const timer = setInterval(load, 10_000);
    return () => clearInterval(timer);
  }, [token]);
  useEffect(() => {
    const topics = new Set<string>();
    for (const e of ents) {
      for (const z of e.live.zones) topics.add(`occupancy:${z.site}`);
      for (const v of [...e.live.powerKw, ...e.live.beltRunning, ...e.live.beltTph, ...e.live.beltToday]) topics.add(`readings:${v.device}`);
    }
    feed.want([...topics]);
    // the REST view is newer than anything pushed before it
    setPushed({});
  }, [ents]);
  useEffect(
    () =>
      feed.listen((m) => {
        const d = m.data;
        if (m.type === 'occupancy') setPushed((p) => ({ ...p, [`${d.enterprise}/zone:${d.site}/${d.zone}`]: d.persons }));
        else if (['kw', 'running', 'tph'].includes(d.metric) && d.value !== null) setPushed((p) => ({ ...p, [`${d.enterprise}/${d.device}/${d.metric}`]: d.value }));
      }),
    [feed],
  );
  const val = (e: string, v: Value, metric: string) => pushed[`${e}/${v.device}/${metric}`] ?? v.value;
  return (
    <section class="site-view" data-testid="site-view">
      <h2>{L(lang, '现场态势', 'Site view')}</h2>
      {ents.map((e) => {
        const level = (kw: number) => (e.power ? (kw - e.power.idleKw) / Math.max(1e-9, e.power.productionKw - e.power.idleKw) : 0);
        return (
          <div class="site" key={e.id} data-enterprise={e.id}>
            <h3>{e.name ?? e.id} <small>{L(lang, '申报', 'declared')}: {DECLARED[e.declaredStatus]?.[lang] ?? e.declaredStatus}</small></h3>
            {e.live.powerKw.map((p) => {
              const kw = val(e.id, p, 'kw');
              const suspect = e.declaredStatus !== 'producing' && level(kw) >= SUSPECT_LEVEL;
              return (
                <div class={`row${suspect ? ' mismatch' : ''}`} key={p.device} data-power={p.device}>
                  <span>{names.device(e.id, null, p.device, lang) === p.device ? `${L(lang, '电力', 'Power')} ${p.device}` : names.device(e.id, null, p.device, lang)}</span>
                  <b>{Math.round(kw)} kW</b>
                  {e.power && <Bar value={kw} max={e.power.productionKw} warn={suspect} />}
                  <small>{e.power ? L(lang, `生产负荷 ${Math.round(level(kw) * 100)}%`, `${Math.round(level(kw) * 100)} % of production load`) : ''}{suspect ? L(lang, ' · 与申报状态不符', ' · does not match the declared status') : ''}</small>
                </div>
              );
            })}
            {[...new Set([...e.live.beltToday, ...e.live.beltRunning, ...e.live.beltTph].map((b) => b.device))].map((device) => {
              const b = e.live.beltToday.find((x) => x.device === device) ?? { device, tonnes: 0, capacity: null };
              const running = e.live.beltRunning.find((r) => r.device === b.device);
              const tph = e.live.beltTph.find((r) => r.device === b.device);
              const on = running ? val(e.id, running, 'running') >= 1 : tph ? val(e.id, tph, 'tph') > 0 : false;
              const over = b.capacity !== null && b.tonnes > b.capacity;
              return (
                <div class={`row${over || (on && e.declaredStatus === 'stopped') ? ' mismatch' : ''}`} key={b.device} data-belt={b.device}>
                  <span>{names.device(e.id, null, b.device, lang) === b.device ? `${L(lang, '皮带', 'Belt')} ${b.device}` : names.device(e.id, null, b.device, lang)}</span>
                  <b class={on ? 'on' : 'off'}>{on ? L(lang, '运行', 'running') : L(lang, '停止', 'stopped')}{tph ? ` · ${Math.round(val(e.id, tph, 'tph'))} t/h` : ''}</b>
                  <Bar value={b.tonnes} max={b.capacity} warn={over} />
                  <small data-testid="tonnage">{L(lang, '今日', 'today')} {b.tonnes} t{b.capacity !== null ? ` / ${L(lang, '核定', 'approved')} ${b.capacity} t` : ''}</small>
                </div>
              );
            })}
            <table class="zones">
              <tbody>
                {e.live.zones.map((z) => {
                  const n = pushed[`${e.id}/zone:${z.site}/${z.zone}`] ?? z.persons;
                  const over = z.maxPersons !== null && n > z.maxPersons;
                  return (
                    <tr key={`${z.site}/${z.zone}`} data-zone={z.zone} class={over ? 'mismatch' : ''}>
                      <td>{z.name ?? z.zone}{z.highRisk ? <span class="badge">{L(lang, '高风险', 'high risk')}</span> : null}</td>
                      <td class="persons"><b>{n}</b>{z.maxPersons !== null ? ` / ${z.maxPersons}` : ''} {L(lang, '人', '')}</td>
                      <td><Bar value={n} max={z.maxPersons} warn={over} /></td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        );
      })}
    </section>
  );
}
