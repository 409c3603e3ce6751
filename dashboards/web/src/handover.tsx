// 交接班 (issue 15): the outgoing dispatcher sees the shift as it will be handed over — the open
// alarms and their state, what was disposed since the last handover — writes notes and hands over;
// the incoming dispatcher reads it and accepts. Both are recorded with the person; the list shows
// who handed over to whom, when.
import { useEffect, useState } from 'preact/hooks';
import { get, post } from './api.ts';
import { fmtTime } from './format.ts';
import { L, SEVERITY, STATE, type Lang } from './i18n.ts';
import type { Me, Names } from './names.ts';

interface Shift {
  fromName: string;
  shiftFrom: string;
  createdAt: string;
  openAlarms: { id: string; severity: string; state: string; enterprise: string; site: string | null; zone: string | null; device: string | null; message: string; raisedAt: string; ackedBy: string | null }[];
  disposed: { alarmId: string; enterprise: string; rule: string; cause: string; result: string; disposedBy: string; disposedAt: string }[];
  counts: { open: number; unacked: number; raised: number; disposed: number };
}
interface Handover extends Shift {
  id: string;
  state: 'offered' | 'accepted';
  from: string;
  to: string | null;
  toName: string | null;
  acceptedAt: string | null;
  notes: string;
  acceptNote: string | null;
}

function ShiftTables({ s, lang, names }: { s: Shift; lang: Lang; names: Names }) {
  return (
    <>
      <p class="summary">
        <span><b>{s.counts.open}</b>{L(lang, '未关闭报警', 'open alarms')}</span>
        <span><b>{s.counts.unacked}</b>{L(lang, '未确认', 'unacknowledged')}</span>
        <span><b>{s.counts.raised}</b>{L(lang, '本班新报警', 'raised this shift')}</span>
        <span><b>{s.counts.disposed}</b>{L(lang, '本班已处置', 'disposed this shift')}</span>
        <span>{L(lang, '本班自', 'shift since')} {fmtTime(s.shiftFrom, lang)}</span>
      </p>
      {s.openAlarms.length > 0 && (
        <table class="grid">
          <thead><tr><th>{L(lang, '级别', 'Level')}</th><th>{L(lang, '报警', 'Alarm')}</th><th>{L(lang, '地点', 'Place')}</th><th>{L(lang, '状态', 'State')}</th><th>{L(lang, '报警时间', 'Raised')}</th></tr></thead>
          <tbody>
            {s.openAlarms.map((a) => (
              <tr key={a.id} class={`sev-${a.severity}`}>
                <td class="sev">{SEVERITY[a.severity]?.[lang] ?? a.severity}</td><td>{a.message}</td><td>{names.place(a, lang)}</td>
                <td>{STATE[a.state]?.[lang] ?? a.state}{a.ackedBy && <small> · {a.ackedBy}</small>}</td><td>{fmtTime(a.raisedAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.disposed.length > 0 && (
        <>
          <h4>{L(lang, '本班处置', 'Disposed this shift')}</h4>
          <table class="grid">
            <thead><tr><th>{L(lang, '时间', 'When')}</th><th>{L(lang, '企业', 'Enterprise')}</th><th>{L(lang, '原因', 'Cause')}</th><th>{L(lang, '结果', 'Result')}</th><th>{L(lang, '处置人', 'By')}</th></tr></thead>
            <tbody>{s.disposed.map((d) => <tr key={d.alarmId}><td>{fmtTime(d.disposedAt, lang)}</td><td>{names.enterprise(d.enterprise)}</td><td>{d.cause}</td><td>{d.result}</td><td>{d.disposedBy}</td></tr>)}</tbody>
          </table>
        </>
      )}
    </>
  );
}

export function HandoverPanel({ token, lang, names, me }: { token: string; lang: Lang; names: Names; me: Me | null }) {
  const [draft, setDraft] = useState<Shift | null>(null);
  const [list, setList] = useState<Handover[]>([]);
  const [notes, setNotes] = useState('');
  const [acceptNote, setAcceptNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    get<{ draft: Shift }>('/api/v1/handovers/draft', token).then((r) => setDraft(r.draft), (e: Error) => setError(e.message));
    get<{ handovers: Handover[] }>('/api/v1/handovers', token).then((r) => setList(r.handovers), () => {});
  }, [token, n]);
  // a handover offered from another console appears without a reload (the draft form keeps its notes)
  useEffect(() => {
    const timer = setInterval(() => get<{ handovers: Handover[] }>('/api/v1/handovers', token).then((r) => setList(r.handovers), () => {}), 15_000);
    return () => clearInterval(timer);
  }, [token]);
  const run = async (fn: () => Promise<unknown>) => {
    try {
      setError(null);
      await fn();
      setN((x) => x + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const waiting = list.find((h) => h.state === 'offered' && h.from !== me?.id);
  const mine = list.find((h) => h.state === 'offered' && h.from === me?.id);
  return (
    <section class="handover">
      {error && <p class="error" role="alert">{error}</p>}
      {waiting && (
        <form class="handover-accept" data-testid="handover-waiting" onSubmit={(e) => { e.preventDefault(); void run(() => post(`/api/v1/handovers/${waiting.id}/accept`, token, { note: acceptNote })); }}>
          <h3>{L(lang, `${waiting.fromName} 的交班，待您接班`, `${waiting.fromName} is handing over to you`)} <small>{fmtTime(waiting.createdAt, lang)}</small></h3>
          <ShiftTables s={waiting} lang={lang} names={names} />
          {waiting.notes && <p class="notes"><b>{L(lang, '交班说明：', 'Notes: ')}</b>{waiting.notes}</p>}
          <label>{L(lang, '接班意见', 'Note on acceptance')} <textarea name="acceptNote" value={acceptNote} onInput={(e) => setAcceptNote((e.target as HTMLTextAreaElement).value)} /></label>
          <button type="submit" data-action="accept">{L(lang, '确认接班', 'Accept the shift')}</button>
        </form>
      )}
      {/* a shift waiting for me is taken over first; my own handover form comes after */}
      {waiting ? null : mine ? (
        <p class="notice" role="status" data-testid="handover-mine">{L(lang, `已于 ${fmtTime(mine.createdAt, lang)} 交班，等待接班`, `Handed over at ${fmtTime(mine.createdAt, lang)}, waiting to be accepted`)}</p>
      ) : (
        draft && (
          <form onSubmit={(e) => { e.preventDefault(); void run(() => post('/api/v1/handovers', token, { notes })); }}>
            <h3>{L(lang, '本班情况', 'This shift')} · {draft.fromName}</h3>
            <ShiftTables s={draft} lang={lang} names={names} />
            <label>{L(lang, '交班说明（遗留问题、注意事项）', 'Notes (open issues, what to watch)')} <textarea name="notes" value={notes} onInput={(e) => setNotes((e.target as HTMLTextAreaElement).value)} /></label>
            <button type="submit" data-action="hand-over">{L(lang, '交班', 'Hand over')}</button>
          </form>
        )
      )}
      <h3>{L(lang, '交接班记录', 'Handovers')}</h3>
      <table class="grid" data-testid="handovers">
        <thead><tr><th>{L(lang, '交班', 'Handed over')}</th><th>{L(lang, '接班', 'Accepted')}</th><th class="num">{L(lang, '未关闭 / 已处置', 'Open / disposed')}</th><th>{L(lang, '说明', 'Notes')}</th></tr></thead>
        <tbody>
          {list.map((h) => (
            <tr key={h.id} data-handover={h.id} data-state={h.state}>
              <td>{h.fromName} <small>{fmtTime(h.createdAt, lang)}</small></td>
              <td>{h.toName ? <>{h.toName} <small>{fmtTime(h.acceptedAt, lang)}</small></> : <i>{L(lang, '待接班', 'waiting')}</i>}</td>
              <td class="num">{h.counts.open} / {h.counts.disposed}</td>
              <td>{h.notes}{h.acceptNote && <small><br />{L(lang, '接班：', 'Accepted: ')}{h.acceptNote}</small>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
