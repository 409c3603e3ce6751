// Field enforcement in the consoles (issue 17): the regulator's desk — accident reports to sign
// for (签收; a fatal one within 30 minutes), resumption requests to accept or reject (复工复产验收),
// special periods in force and a form to set one — and the officer's accident report.
import { useEffect, useState } from 'preact/hooks';
import { get, post } from './api.ts';
import { fmtTime, fromLocalInput, localInput, timeLeft } from './format.ts';
import { DECLARED, L, word, type Lang } from './i18n.ts';
import type { Names } from './names.ts';

interface Accident {
  id: string;
  enterprise: string;
  place: string;
  occurredAt: string;
  deaths: number;
  injuries: number;
  description: string;
  fatal: boolean;
  dueBy: string | null;
  reportedByName: string | null;
  reportedBy: string;
  receivedAt: string | null;
  receivedByName: string | null;
  late: boolean;
}

interface Resumption {
  id: string;
  enterprise: string;
  state: string;
  from: string;
  reason: string | null;
  requestedByName: string | null;
  requestedAt: string;
  wasStatus: string;
}

interface Period {
  id: string;
  name: string;
  kind: string;
  from: string;
  to: string;
  reason: string;
  sectors: string[];
  thresholdFactor: number;
  delayFactor?: number;
  redRules: string[];
  forbidProduction: boolean;
  createdByName: string | null;
}

const PERIOD_KIND: Record<string, { zh: string; en: string }> = { holiday: { zh: '节假日', en: 'holiday' }, 'major-event': { zh: '重大活动', en: 'major event' }, 'special-inspection': { zh: '专项检查', en: 'special inspection' } };

function casualties(a: Accident, lang: Lang): string {
  return L(lang, `死亡 ${a.deaths} 人，受伤 ${a.injuries} 人`, `${a.deaths} dead, ${a.injuries} injured`);
}

/** The accidents of the caller's scope, newest first, with their direct-report state. */
function AccidentList({ token, lang, names, refresh, canReceive, onChanged }: { token: string; lang: Lang; names: Names; refresh: number; canReceive: boolean; onChanged: () => void }) {
  const [list, setList] = useState<Accident[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void get<{ accidents: Accident[] }>('/api/v1/accidents', token).then((r) => setList(r.accidents), (e: Error) => setError(e.message)), [token, refresh]);
  const receive = async (a: Accident) => {
    try {
      await post(`/api/v1/accidents/${encodeURIComponent(a.id)}/receive`, token, {});
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const now = Date.now();
  return (
    <>
      {error && <p class="error" role="alert">{error}</p>}
      <table class="grid accidents">
        <thead><tr><th>{L(lang, '发生时间', 'Happened')}</th><th>{L(lang, '企业 / 地点', 'Enterprise / place')}</th><th>{L(lang, '伤亡', 'Casualties')}</th><th>{L(lang, '报告人', 'Reported by')}</th><th>{L(lang, '直报', 'Direct report')}</th><th /></tr></thead>
        <tbody>
          {(list ?? []).map((a) => (
            <tr key={a.id} data-accident={a.id} class={a.fatal ? 'sev-red' : ''}>
              <td>{fmtTime(a.occurredAt, lang)}</td>
              <td>{names.enterprise(a.enterprise)} · {a.place}<br /><small>{a.description}</small></td>
              <td>{casualties(a, lang)}</td>
              <td>{a.reportedByName ?? a.reportedBy}</td>
              <td data-testid="direct-report">
                {a.receivedAt ? (
                  <>{L(lang, '已签收', 'Signed for')} · {a.receivedByName}<br /><small>{fmtTime(a.receivedAt, lang)}{a.late ? L(lang, '（迟报）', ' (late)') : ''}</small></>
                ) : a.dueBy ? (
                  <b class={a.late ? 'late' : ''}>{a.late ? L(lang, '超过30分钟未签收', 'not signed for within 30 min') : timeLeft(a.dueBy, now, lang).text}</b>
                ) : (
                  L(lang, '待签收', 'To sign for')
                )}
              </td>
              <td>{canReceive && !a.receivedAt && <button data-action="receive" onClick={() => void receive(a)}>{L(lang, '签收', 'Sign for')}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list && list.length === 0 && <p class="empty">{L(lang, '无事故报告', 'No accident reports')}</p>}
    </>
  );
}

/** 复工复产申请: pending requests of the jurisdiction, accepted (验收通过) or rejected with a reason. */
function Resumptions({ token, lang, names, refresh, onChanged }: { token: string; lang: Lang; names: Names; refresh: number; onChanged: () => void }) {
  const [list, setList] = useState<Resumption[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void get<{ resumptions: Resumption[] }>('/api/v1/resumptions?state=pending', token).then((r) => setList(r.resumptions), (e: Error) => setError(e.message)), [token, refresh]);
  const decide = async (r: Resumption, accept: boolean) => {
    const note = accept ? prompt(L(lang, '验收意见（可空）', 'Acceptance note (optional)')) ?? '' : prompt(L(lang, '不予通过的理由', 'Why it is rejected'));
    if (!accept && !note) return;
    try {
      await post(`/api/v1/resumptions/${encodeURIComponent(r.id)}/${accept ? 'accept' : 'reject'}`, token, { note: note || null });
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <>
      {error && <p class="error" role="alert">{error}</p>}
      {list && list.length === 0 ? (
        <p class="empty">{L(lang, '无待验收的复工申请', 'No resumption waiting')}</p>
      ) : (
        <table class="grid resumptions">
          <thead><tr><th>{L(lang, '企业', 'Enterprise')}</th><th>{L(lang, '当前申报', 'Declared now')}</th><th>{L(lang, '申请复工自', 'Resume from')}</th><th>{L(lang, '理由 / 申请人', 'Reason / by')}</th><th /></tr></thead>
          <tbody>
            {(list ?? []).map((r) => (
              <tr key={r.id} data-resumption={r.id}>
                <td>{names.enterprise(r.enterprise)}</td>
                <td>{word(DECLARED, r.wasStatus, lang)}</td>
                <td>{fmtTime(r.from, lang)}</td>
                <td>{r.reason ?? '—'}<br /><small>{r.requestedByName} · {fmtTime(r.requestedAt, lang)}</small></td>
                <td>
                  <button data-action="accept" onClick={() => void decide(r, true)}>{L(lang, '验收通过', 'Accept')}</button>
                  <button data-action="reject" onClick={() => void decide(r, false)}>{L(lang, '不予通过', 'Reject')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** 特殊时期: the periods of the jurisdiction, and a form to set one. */
function Periods({ token, lang, refresh, onChanged }: { token: string; lang: Lang; refresh: number; onChanged: () => void }) {
  const [list, setList] = useState<Period[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const day = 86_400_000;
  const [v, setV] = useState({ name: '', kind: 'holiday', from: localInput(Date.now()), to: localInput(Date.now() + 7 * day), reason: '', factor: '0.8', delay: '1', redRules: '', forbid: false, sectors: '' });
  useEffect(() => void get<{ periods: Period[] }>('/api/v1/special-periods', token).then((r) => setList(r.periods), (e: Error) => setError(e.message)), [token, refresh]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const split = (s: string) => s.split(/[,，\s]+/).filter(Boolean);
    try {
      await post('/api/v1/special-periods', token, { name: v.name, kind: v.kind, from: fromLocalInput(v.from), to: fromLocalInput(v.to), reason: v.reason, thresholdFactor: Number(v.factor), delayFactor: Number(v.delay), redRules: split(v.redRules), forbidProduction: v.forbid, sectors: split(v.sectors) });
      setV({ ...v, name: '', reason: '' });
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const end = async (p: Period) => {
    try {
      await post(`/api/v1/special-periods/${encodeURIComponent(p.id)}/end`, token, {});
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const set = (k: keyof typeof v) => (e: Event) => setV({ ...v, [k]: (e.target as HTMLInputElement).type === 'checkbox' ? (e.target as HTMLInputElement).checked : (e.target as HTMLInputElement).value });
  const now = Date.now();
  return (
    <>
      {error && <p class="error" role="alert">{error}</p>}
      <table class="grid periods">
        <thead><tr><th>{L(lang, '名称', 'Name')}</th><th>{L(lang, '时间', 'When')}</th><th>{L(lang, '措施', 'Measures')}</th><th>{L(lang, '原因 / 设定人', 'Reason / by')}</th><th /></tr></thead>
        <tbody>
          {(list ?? []).map((p) => {
            const live = Date.parse(p.from) <= now && now < Date.parse(p.to);
            return (
              <tr key={p.id} data-period={p.id} class={live ? 'live' : ''}>
                <td>{p.name} <small>{PERIOD_KIND[p.kind]?.[lang] ?? p.kind}{live ? L(lang, ' · 进行中', ' · in force') : ''}</small></td>
                <td>{fmtTime(p.from, lang)} — {fmtTime(p.to, lang)}</td>
                <td>
                  {p.thresholdFactor < 1 && <div>{L(lang, `报警阈值 ×${p.thresholdFactor}`, `thresholds ×${p.thresholdFactor}`)}</div>}
                  {(p.delayFactor ?? 1) < 1 && <div>{L(lang, `报警延时 ×${p.delayFactor}`, `raise delays ×${p.delayFactor}`)}</div>}
                  {p.redRules.length > 0 && <div>{L(lang, '升为红色：', 'red: ')}{p.redRules.join('、')}</div>}
                  {p.forbidProduction && <div>{L(lang, '禁止生产', 'production forbidden')}{p.sectors.length ? `（${p.sectors.join('、')}）` : ''}</div>}
                </td>
                <td>{p.reason}<br /><small>{p.createdByName}</small></td>
                <td>{Date.parse(p.to) > now && <button data-action="end" onClick={() => void end(p)}>{L(lang, '提前结束', 'End now')}</button>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {list && list.length === 0 && <p class="empty">{L(lang, '未设定特殊时期', 'No special period set')}</p>}
      <form class="period-form" onSubmit={(e) => void submit(e)}>
        <label>{L(lang, '名称', 'Name')} <input name="name" required value={v.name} placeholder={L(lang, '如：春节', 'e.g. Spring Festival')} onInput={set('name')} /></label>
        <label>{L(lang, '类型', 'Kind')} <select name="kind" value={v.kind} onChange={set('kind')}>{Object.keys(PERIOD_KIND).map((k) => <option key={k} value={k}>{PERIOD_KIND[k][lang]}</option>)}</select></label>
        <label>{L(lang, '开始', 'From')} <input name="from" type="datetime-local" value={v.from} onInput={set('from')} /></label>
        <label>{L(lang, '结束', 'To')} <input name="to" type="datetime-local" value={v.to} onInput={set('to')} /></label>
        <label>{L(lang, '阈值系数', 'Threshold factor')} <input name="factor" type="number" min="0.5" max="1" step="0.05" value={v.factor} onInput={set('factor')} /></label>
        <label>{L(lang, '延时系数', 'Delay factor')} <input name="delay" type="number" min="0" max="1" step="0.1" value={v.delay} onInput={set('delay')} /></label>
        <label>{L(lang, '升为红色的规则', 'Rules raised red')} <input name="redRules" value={v.redRules} placeholder="gas.co, video.violation" onInput={set('redRules')} /></label>
        <label>{L(lang, '适用行业', 'Sectors')} <input name="sectors" value={v.sectors} placeholder={L(lang, '空：全部', 'empty: all')} onInput={set('sectors')} /></label>
        <label><input name="forbid" type="checkbox" checked={v.forbid} onChange={set('forbid')} /> {L(lang, '禁止生产', 'Forbid production')}</label>
        <label class="wide">{L(lang, '原因', 'Reason')} <input name="reason" required value={v.reason} placeholder="两禁止、一严控" onInput={set('reason')} /></label>
        <button type="submit" data-action="set-period">{L(lang, '设定特殊时期', 'Set the period')}</button>
      </form>
    </>
  );
}

/** The regulator's desk (监管端 · 事故与复工). */
export function FieldDesk({ token, lang, names }: { token: string; lang: Lang; names: Names }) {
  const [refresh, setRefresh] = useState(0);
  const changed = () => setRefresh((n) => n + 1);
  useEffect(() => {
    const t = setInterval(changed, 30_000);
    return () => clearInterval(t);
  }, []);
  return (
    <div class="field-desk">
      <section class="panel"><h2>{L(lang, '事故直报', 'Accident reports')} <small>{L(lang, '亡人事故须30分钟内签收', 'a fatal one within 30 minutes')}</small></h2><AccidentList token={token} lang={lang} names={names} refresh={refresh} canReceive onChanged={changed} /></section>
      <section class="panel"><h2>{L(lang, '复工复产验收', 'Resumption requests')}</h2><Resumptions token={token} lang={lang} names={names} refresh={refresh} onChanged={changed} /></section>
      <section class="panel"><h2>{L(lang, '特殊时期', 'Special periods')}</h2><Periods token={token} lang={lang} refresh={refresh} onChanged={changed} /></section>
    </div>
  );
}

/** The officer's accident report (生产安全事故报告), and the enterprise's reports with their state. */
export function AccidentReport({ token, lang, names }: { token: string; lang: Lang; names: Names }) {
  const ents = names.tree;
  const [refresh, setRefresh] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [v, setV] = useState({ enterprise: '', place: '', occurredAt: localInput(Date.now()), deaths: '0', injuries: '0', description: '' });
  const set = (k: keyof typeof v) => (e: Event) => setV({ ...v, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const r = await post<{ accident: Accident }>('/api/v1/accidents', token, { enterprise: v.enterprise || ents[0]?.id, place: v.place, occurredAt: fromLocalInput(v.occurredAt), deaths: Number(v.deaths), injuries: Number(v.injuries), description: v.description });
      setDone(r.accident.fatal ? L(lang, `已直报监管部门，须于 ${fmtTime(r.accident.dueBy, lang)} 前签收`, `Reported; the regulator must sign for it by ${fmtTime(r.accident.dueBy, lang)}`) : L(lang, '已报告监管部门', 'Reported to the regulator'));
      setV({ ...v, place: '', description: '', deaths: '0', injuries: '0' });
      setRefresh((n) => n + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section class="panel accident-report">
      <h2>{L(lang, '生产安全事故报告', 'Accident report')} <small>{L(lang, '亡人事故须30分钟内直报', 'a fatal accident within 30 minutes')}</small></h2>
      <form onSubmit={(e) => void submit(e)}>
        {ents.length > 1 && <label>{L(lang, '企业', 'Enterprise')} <select name="enterprise" value={v.enterprise} onChange={set('enterprise')}>{ents.map((x) => <option key={x.id} value={x.id}>{x.name ?? x.id}</option>)}</select></label>}
        <label>{L(lang, '发生时间', 'Happened at')} <input name="occurredAt" type="datetime-local" value={v.occurredAt} onInput={set('occurredAt')} /></label>
        <label>{L(lang, '地点', 'Place')} <input name="place" required value={v.place} onInput={set('place')} /></label>
        <label>{L(lang, '死亡人数', 'Dead')} <input name="deaths" type="number" min="0" value={v.deaths} onInput={set('deaths')} /></label>
        <label>{L(lang, '受伤人数', 'Injured')} <input name="injuries" type="number" min="0" value={v.injuries} onInput={set('injuries')} /></label>
        <label class="wide">{L(lang, '经过', 'What happened')} <textarea name="description" required value={v.description} onInput={set('description')} /></label>
        <button type="submit" data-action="report-accident">{L(lang, '报告', 'Report')}</button>
        {done && <span class="ok" data-testid="accident-done">{done}</span>}
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      <AccidentList token={token} lang={lang} names={names} refresh={refresh} canReceive={false} onChanged={() => setRefresh((n) => n + 1)} />
    </section>
  );
}
