// 三违台账 in the consoles (issue 17, docs/sanwei.md): the enterprise's violations of rules, orders
// and discipline per person — recorded from a video analytics alarm (its place, time and snapshot
// taken), from an inspection or by an officer — with the count per person. Officers see the
// person by name and badge (they pursue it); regulators see the API's masked name (刘*) and
// record what they find on inspection (source `inspection`).
import { useEffect, useState } from 'preact/hooks';
import { get, post } from './api.ts';
import { fmtTime, fromLocalInput, localInput } from './format.ts';
import { L, type Lang } from './i18n.ts';
import type { Names } from './names.ts';

interface SanweiRecord {
  id: string;
  enterprise: string;
  site: string | null;
  zone: string | null;
  kind: string;
  person: { name: string; badge: string | null };
  description: string;
  source: string;
  alarmId: string | null;
  snapshot: string | null;
  penalty: string | null;
  occurredAt: string;
  recordedByName: string | null;
}

interface PersonCount {
  enterprise: string;
  person: { name: string; badge: string | null };
  count: number;
}

interface VideoAlarm {
  id: string;
  enterprise: string;
  site: string;
  zone: string | null;
  device: string | null;
  raisedAt: string;
  message: string;
  messageEn?: string;
  evidence?: { name?: { zh: string; en: string } };
}

const KIND: Record<string, { zh: string; en: string }> = {
  command: { zh: '违章指挥', en: 'command against the rules' },
  operation: { zh: '违章作业', en: 'work against the rules' },
  discipline: { zh: '违反劳动纪律', en: 'breach of discipline' },
};
const SOURCE: Record<string, { zh: string; en: string }> = {
  video: { zh: 'AI视频', en: 'video' },
  inspection: { zh: '监管检查', en: 'inspection' },
  officer: { zh: '企业登记', en: 'officer' },
};
const w = (m: Record<string, { zh: string; en: string }>, k: string, lang: Lang) => m[k]?.[lang] ?? k;

export function SanweiDesk({ token, lang, names, canRecord }: { token: string; lang: Lang; names: Names; canRecord: boolean }) {
  const ents = names.tree;
  const [refresh, setRefresh] = useState(0);
  const [data, setData] = useState<{ records: SanweiRecord[]; byPerson: PersonCount[] } | null>(null);
  const [videos, setVideos] = useState<VideoAlarm[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const blank = { enterprise: '', alarmId: '', name: '', badge: '', kind: 'operation', occurredAt: localInput(Date.now()), description: '', penalty: '' };
  const [v, setV] = useState(blank);
  const set = (k: keyof typeof v) => (e: Event) => setV({ ...v, [k]: (e.target as HTMLInputElement).value });
  useEffect(() => void get<{ records: SanweiRecord[]; byPerson: PersonCount[] }>('/api/v1/sanwei', token).then(setData, (e: Error) => setError(e.message)), [token, refresh]);
  useEffect(() => {
    if (canRecord) void get<{ alarms: VideoAlarm[] }>('/api/v1/alarms?state=all&rule=video.violation&limit=50', token).then((r) => setVideos(r.alarms), () => setVideos([]));
  }, [token, canRecord, refresh]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const person = { name: v.name, ...(v.badge ? { badge: v.badge } : {}) };
    const from = v.alarmId ? { alarmId: v.alarmId } : { enterprise: v.enterprise || ents[0]?.id, occurredAt: fromLocalInput(v.occurredAt) };
    try {
      await post('/api/v1/sanwei', token, { ...from, person, kind: v.kind, description: v.description, ...(v.penalty ? { penalty: v.penalty } : {}) });
      setDone(L(lang, '已登记', 'Recorded'));
      setV({ ...blank, enterprise: v.enterprise });
      setRefresh((n) => n + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const videoLabel = (a: VideoAlarm) => `${fmtTime(a.raisedAt, lang)} ${names.place(a, lang, ents.length > 1)} ${a.evidence?.name?.[lang] ?? (lang === 'en' ? a.messageEn ?? a.message : a.message)}`;
  const picked = videos.find((a) => a.id === v.alarmId);
  return (
    <section class="panel sanwei">
      <h2>{L(lang, '三违台账', '三违 ledger')} <small>{L(lang, '违章指挥、违章作业、违反劳动纪律', 'commands and work against the rules, breaches of discipline')}</small></h2>
      {canRecord && (
        <form onSubmit={(e) => void submit(e)} data-testid="sanwei-form">
          <label class="wide">{L(lang, '来自AI视频报警', 'From a video alarm')} <select name="alarmId" value={v.alarmId} onChange={set('alarmId')}>
            <option value="">{L(lang, '（无，现场发现）', '(none: seen on site)')}</option>
            {videos.map((a) => <option key={a.id} value={a.id}>{videoLabel(a)}</option>)}
          </select></label>
          {!picked && ents.length > 1 && <label>{L(lang, '企业', 'Enterprise')} <select name="enterprise" value={v.enterprise} onChange={set('enterprise')}>{ents.map((x) => <option key={x.id} value={x.id}>{x.name ?? x.id}</option>)}</select></label>}
          {!picked && <label>{L(lang, '发生时间', 'Happened at')} <input name="occurredAt" type="datetime-local" value={v.occurredAt} onInput={set('occurredAt')} /></label>}
          <label>{L(lang, '姓名', 'Name')} <input name="name" required maxLength={50} value={v.name} onInput={set('name')} /></label>
          <label>{L(lang, '工号', 'Badge')} <input name="badge" maxLength={50} value={v.badge} onInput={set('badge')} /></label>
          <label>{L(lang, '类别', 'Kind')} <select name="kind" value={v.kind} onChange={set('kind')}>{Object.keys(KIND).map((k) => <option key={k} value={k}>{w(KIND, k, lang)}</option>)}</select></label>
          <label class="wide">{L(lang, '违章事实', 'What was done')} <textarea name="description" required maxLength={2000} value={v.description} onInput={set('description')} /></label>
          <label class="wide">{L(lang, '处理（罚款、培训等）', 'Penalty (fine, training …)')} <input name="penalty" maxLength={500} value={v.penalty} onInput={set('penalty')} /></label>
          <button type="submit" data-action="record-sanwei">{L(lang, '登记', 'Record')}</button>
          {done && <span class="ok" data-testid="sanwei-done">{done}</span>}
        </form>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {data && data.byPerson.length > 0 && (
        <p class="by-person" data-testid="sanwei-by-person">
          {L(lang, '按人员：', 'By person: ')}
          {data.byPerson.slice(0, 12).map((p) => (
            <span key={`${p.enterprise}|${p.person.badge ?? p.person.name}`} class={p.count >= 3 ? 'chip warn' : 'chip'}>{p.person.name}{p.person.badge ? `（${p.person.badge}）` : ''} ×{p.count}</span>
          ))}
        </p>
      )}
      <table class="grid sanwei-list">
        <thead><tr><th>{L(lang, '时间', 'When')}</th><th>{L(lang, '地点', 'Place')}</th><th>{L(lang, '人员', 'Person')}</th><th>{L(lang, '类别', 'Kind')}</th><th>{L(lang, '违章事实', 'What was done')}</th><th>{L(lang, '处理', 'Penalty')}</th><th>{L(lang, '来源 / 登记人', 'Source / by')}</th></tr></thead>
        <tbody>
          {(data?.records ?? []).map((r) => (
            <tr key={r.id} data-sanwei={r.id}>
              <td>{fmtTime(r.occurredAt, lang)}</td>
              <td>{names.place({ enterprise: r.enterprise, site: r.site, zone: r.zone }, lang, ents.length > 1)}</td>
              <td>{r.person.name}{r.person.badge && <small> {r.person.badge}</small>}</td>
              <td>{w(KIND, r.kind, lang)}</td>
              <td>{r.description}{r.snapshot && <> <a href={r.snapshot} target="_blank" rel="noopener noreferrer">{L(lang, '抓拍', 'snapshot')}</a></>}</td>
              <td>{r.penalty ?? '—'}</td>
              <td>{w(SOURCE, r.source, lang)}<br /><small>{r.recordedByName ?? ''}</small></td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.records.length === 0 && <p class="empty">{L(lang, '无三违记录', 'No records')}</p>}
    </section>
  );
}
