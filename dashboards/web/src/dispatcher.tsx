// 调度台 — the dispatcher's live alarm board (issue 6): the open alarms over the WebSocket
// (snapshot, then transitions), coloured by severity, unacknowledged ones flashing, overdue
// ones pinned on top, the same-day due time counting down, a sound on a new red alarm (mutable);
// acknowledge with a note, dispose (cause, measures, result, the person responsible — issue 14),
// shelve with a reason and expiry, or turn into a hazard report. Column headers, filter, search and
// sort; names, not ids; the live value and peak beside the threshold; today's same-day disposal
// rate; a journal of closed alarms. Beside the board: the selected alarm's trend, the site view and
// the alarm system's health.
import { render } from 'preact';
import { memo } from 'preact/compat';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { download, get, liveStream, post, sessionToken, type AlarmJson, type LiveStream } from './api.ts';
import { fmtTime, timeLeft } from './format.ts';
import { HealthPanel } from './health-panel.tsx';
import { L, ROLE, SEVERITY, STATE, t, word, type Lang } from './i18n.ts';
import { useMe, useNames, type Me, type Names } from './names.ts';
import { SiteView } from './site-view.tsx';
import { UplinkBadge } from './uplink-badge.tsx';
import { useLang } from './lang-switch.tsx';
import { Trend } from './trend.tsx';
import { HandoverPanel } from './handover.tsx';
import { Notifications } from './notifications.tsx';
import { Snapshot, Thumb } from './snapshot.tsx';

const RANK: Record<string, number> = { red: 3, orange: 2, yellow: 1, blue: 0 };

function beep(): void {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.4);
  } catch {
    // no audio device (kiosk, headless): the flashing row still shows it
  }
}

interface Disposal {
  cause: string;
  measures: string;
  result: string;
  responsible: string;
  disposedBy: string;
  disposedAt: string;
  sameDay: boolean;
}

const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : Math.round(v * 100) / 100);

function Login({ lang, onToken }: { lang: Lang; onToken: (t: string) => void }) {
  const [v, setV] = useState('');
  return (
    <form class="login" onSubmit={(e) => { e.preventDefault(); sessionStorage.setItem('hazardline-token', v); onToken(v); }}>
      <label>{t(lang, 'token')} <input value={v} onInput={(e) => setV((e.target as HTMLInputElement).value)} /></label>
      <button type="submit">{t(lang, 'login')}</button>
    </form>
  );
}

type Dialog = { kind: 'ack' | 'shelve' | 'dispose'; alarm: AlarmJson } | null;

const sortKey = (a: AlarmJson, b: AlarmJson) => Number(b.overdue) - Number(a.overdue) || RANK[b.severity] - RANK[a.severity] || Date.parse(b.raisedAt) - Date.parse(a.raisedAt);

/**
 * One alarm row. Memoised: with 1,000 open alarms and dozens of updates a second only the rows
 * whose alarm changed are rendered again; the countdown changes once a minute (`minute`).
 */
const Row = memo(function Row({ a, lang, minute, selected, names, disposal, onSelect, onDialog, onHazard }: { a: AlarmJson; lang: Lang; minute: number; selected: boolean; names: Names; disposal: Disposal | undefined; onSelect: (id: string) => void; onDialog: (d: Dialog) => void; onHazard: (a: AlarmJson) => void }) {
  const left = timeLeft(a.dueBy, minute * 60_000, lang);
  return (
    <tr data-alarm={a.id} data-state={a.state} onClick={() => onSelect(a.id)} class={`${selected ? 'selected ' : ''}sev-${a.severity} ${a.state === 'active_unacked' ? 'flash' : ''} ${a.overdue ? 'overdue' : ''}`}>
      <td class="sev">{SEVERITY[a.severity][lang]}</td>
      <td class="msg">
        <Thumb a={a} lang={lang} />
        <div>{lang === 'zh' ? a.message : a.messageEn}</div>
        <small>{a.rule}{a.count > 1 ? ` · ×${a.count}` : ''}{typeof a.evidence?.occurrences === 'number' && a.evidence.occurrences > 1 ? L(lang, ` · 识别 ${a.evidence.occurrences} 次`, ` · seen ${a.evidence.occurrences}×`) : ''}{a.retroactive ? ` · ${t(lang, 'retroactive')}` : ''}{a.origin ? ` · ${t(lang, 'fromEdge')} ${a.origin}` : ''}</small>
      </td>
      <td class="place">{names.place(a, lang)}</td>
      <td class="num" data-testid="values">{num(a.value)} / {num(a.peak)} / {num(a.threshold)}</td>
      <td class="state">{STATE[a.state]?.[lang] ?? a.state}{a.ackedBy && <small class="who"><br />{a.ackedBy}</small>}{disposal && <small class="ok" data-testid="disposed"><br />{L(lang, '已处置', 'disposed')} · {disposal.responsible}</small>}</td>
      <td class="time">{fmtTime(a.raisedAt, lang)}</td>
      <td class="due">{a.overdue ? t(lang, 'overdue') : left.text}</td>
      <td class="actions"><div>
        {(a.state === 'active_unacked' || a.state === 'cleared_unacked') && <button data-action="ack" onClick={(e) => (e.stopPropagation(), onDialog({ kind: 'ack', alarm: a }))}>{t(lang, 'ack')}</button>}
        {!disposal && <button data-action="dispose" onClick={(e) => (e.stopPropagation(), onDialog({ kind: 'dispose', alarm: a }))}>{L(lang, '处置', 'Dispose')}</button>}
        {a.state !== 'shelved' && a.state !== 'suppressed' && <button data-action="shelve" onClick={(e) => (e.stopPropagation(), onDialog({ kind: 'shelve', alarm: a }))}>{t(lang, 'shelve')}</button>}
        {a.hazardId ? <span class="linked">{t(lang, 'linked')}</span> : <button data-action="hazard" onClick={(e) => (e.stopPropagation(), onHazard(a))}>{t(lang, 'hazard')}</button>}
      </div></td>
    </tr>
  );
});

const HEAD = (lang: Lang) => [L(lang, '级别', 'Level'), L(lang, '报警内容', 'Alarm'), L(lang, '地点', 'Place'), L(lang, '当前 / 峰值 / 阈值', 'Now / peak / threshold'), L(lang, '状态', 'State'), L(lang, '报警时间', 'Raised'), L(lang, '当天处置时限', 'Due today'), ''];

/** 报警日志: closed alarms of the last 7 days with their disposal, newest first. */
function Journal({ token, lang, names }: { token: string; lang: Lang; names: Names }) {
  const [list, setList] = useState<(AlarmJson & { disposal: Disposal | null })[] | null>(null);
  const [q, setQ] = useState('');
  useEffect(() => {
    get<{ alarms: (AlarmJson & { disposal: Disposal | null })[] }>(`/api/v1/alarms?state=all&since=${Date.now() - 7 * 86_400_000}&limit=1000`, token).then((r) => setList(r.alarms.filter((a) => a.state === 'normal')), () => setList([]));
  }, [token]);
  const shown = (list ?? []).filter((a) => !q || `${a.message} ${a.messageEn} ${names.place(a, lang)} ${a.rule}`.toLowerCase().includes(q.toLowerCase()));
  return (
    <section class="journal">
      <div class="filters">
        <input type="search" placeholder={L(lang, '搜索报警、地点', 'Search')} value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        {/* the week's alarms, open and closed, with their disposal, as a file (报警台账, issue 15) */}
        <button type="button" data-action="export-alarms" onClick={() => void download(`/api/v1/exports/alarms?format=xlsx&state=all&from=${Date.now() - 7 * 86_400_000}`, token).catch(() => {})}>{L(lang, '导出本周报警台账', "Export the week's alarms")}</button>
      </div>
      <table class="grid">
        <thead><tr><th>{L(lang, '级别', 'Level')}</th><th>{L(lang, '报警内容', 'Alarm')}</th><th>{L(lang, '地点', 'Place')}</th><th>{L(lang, '峰值', 'Peak')}</th><th>{L(lang, '报警 / 恢复', 'Raised / cleared')}</th><th>{L(lang, '确认人', 'Acked by')}</th><th>{L(lang, '处置', 'Disposal')}</th></tr></thead>
        <tbody>
          {shown.map((a) => (
            <tr key={a.id} data-journal={a.id} class={`sev-${a.severity}`}>
              <td class="sev">{SEVERITY[a.severity][lang]}</td>
              <td>{lang === 'zh' ? a.message : a.messageEn}</td>
              <td>{names.place(a, lang)}</td>
              <td class="num">{num(a.peak)}</td>
              <td>{fmtTime(a.raisedAt, lang)}<br /><small>{fmtTime(a.clearedAt ?? a.closedAt, lang)}</small></td>
              <td>{a.ackedBy ?? '—'}</td>
              <td>{a.disposal ? <>{a.disposal.cause}；{a.disposal.result} <small>（{a.disposal.responsible}{a.disposal.sameDay ? '' : L(lang, '，超时', ', late')}）</small></> : <span class="late">{L(lang, '未处置', 'not disposed')}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list && shown.length === 0 && <p class="empty">{L(lang, '近 7 天没有已关闭的报警', 'No closed alarm in the last 7 days')}</p>}
    </section>
  );
}

const SORTS = ['urgency', 'raisedAt', 'severity', 'place'] as const;

function Board({ token, lang }: { token: string; lang: Lang }) {
  const names = useNames(token);
  const me = useMe(token);
  const [alarms, setAlarms] = useState<Map<string, AlarmJson>>(new Map());
  const [disposals, setDisposals] = useState<Map<string, Disposal>>(new Map());
  const [rate, setRate] = useState<{ raised: number; sameDay: number; sameDayDisposalRate: number | null } | null>(null);
  const [view, setView] = useState<'live' | 'journal' | 'handover'>('live');
  const [filter, setFilter] = useState({ q: '', severity: '', state: '', sort: 'urgency' as (typeof SORTS)[number] });
  const [connected, setConnected] = useState(false);
  const [muted, setMuted] = useState(false);
  const mutedRef = useRef(muted);
  mutedRef.current = muted;
  const [minute, setMinute] = useState(Math.floor(Date.now() / 60_000));
  const [dialog, setDialog] = useState<Dialog>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [raises, setRaises] = useState(0);
  // the site view's topics and listeners ride on the same WebSocket as the alarms
  const feed = useMemo(() => {
    const listeners = new Set<(m: { type: 'occupancy' | 'reading'; data: any }) => void>();
    const f = {
      topics: [] as string[],
      stream: null as LiveStream | null,
      want(topics: string[]) {
        f.topics = topics;
        f.stream?.subscribe(['alarms', ...topics]);
      },
      listen(fn: (m: { type: 'occupancy' | 'reading'; data: any }) => void) {
        listeners.add(fn);
        return () => void listeners.delete(fn);
      },
      emit(m: { type: 'occupancy' | 'reading'; data: any }) {
        for (const l of listeners) l(m);
      },
    };
    return f;
  }, []);

  useEffect(() => {
    const timer = setInterval(() => setMinute(Math.floor(Date.now() / 60_000)), 1000);
    return () => clearInterval(timer);
  }, []);

  // the disposals of the open alarms and today's same-day rate (a disposal is not in the pushed alarm)
  const refreshDisposals = useMemo(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    return () =>
      void (pending ??= setTimeout(() => {
        pending = undefined;
        get<{ alarms: (AlarmJson & { disposal: Disposal | null })[] }>('/api/v1/alarms?state=open', token).then((r) => setDisposals(new Map(r.alarms.filter((a) => a.disposal).map((a) => [a.id, a.disposal!]))), () => {});
        get<{ raised: number; sameDay: number; sameDayDisposalRate: number | null }>('/api/v1/alarms/disposal-rate', token).then(setRate, () => {});
      }, 300));
  }, [token]);

  useEffect(() => {
    // transitions are applied in batches (at most ~10 renders a second), not one render each
    let pending: (AlarmJson & { action: string })[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const batch = pending;
      pending = [];
      const raised = batch.filter((a) => a.action === 'raise').length;
      if (raised) setRaises((n) => n + raised);
      if (raised || batch.some((a) => a.action === 'dispose')) refreshDisposals();
      setAlarms((prev) => {
        const next = new Map(prev);
        for (const a of batch) {
          if (a.state === 'normal') next.delete(a.id);
          else next.set(a.id, a);
        }
        return next;
      });
    };
    const s = liveStream(token, ['alarms', ...feed.topics], {
      status: setConnected,
      snapshot: (list) => {
        pending = [];
        setAlarms(new Map(list.map((a) => [a.id, a])));
        refreshDisposals();
      },
      alarm: (a) => {
        pending.push(a);
        timer ??= setTimeout(flush, 100);
        // backfilled after an outage (retroactive): recorded and shown, never sounded as a new alarm
        if (a.action === 'raise' && a.severity === 'red' && !a.retroactive && !mutedRef.current) beep();
      },
      occupancy: (data) => feed.emit({ type: 'occupancy', data }),
      reading: (data) => feed.emit({ type: 'reading', data }),
    });
    feed.stream = s;
    return () => {
      clearTimeout(timer);
      feed.stream = null;
      s.close();
    };
  }, [token]);

  const list = useMemo(() => {
    const q = filter.q.trim().toLowerCase();
    const rows = [...alarms.values()].filter(
      (a) => (!filter.severity || a.severity === filter.severity) && (!filter.state || a.state === filter.state) && (!q || `${a.message} ${a.messageEn} ${a.rule} ${names.place(a, lang)} ${a.device ?? ''}`.toLowerCase().includes(q)),
    );
    const by =
      filter.sort === 'raisedAt'
        ? (a: AlarmJson, b: AlarmJson) => Date.parse(b.raisedAt) - Date.parse(a.raisedAt)
        : filter.sort === 'severity'
          ? (a: AlarmJson, b: AlarmJson) => RANK[b.severity] - RANK[a.severity] || Date.parse(b.raisedAt) - Date.parse(a.raisedAt)
          : filter.sort === 'place'
            ? (a: AlarmJson, b: AlarmJson) => names.place(a, lang).localeCompare(names.place(b, lang), 'zh-CN') || sortKey(a, b)
            : sortKey;
    return rows.sort(by);
  }, [alarms, filter, names, lang]);

  const act = async (fn: () => Promise<unknown>) => {
    try {
      setError(null);
      await fn();
      setDialog(null);
      refreshDisposals();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const onHazard = useCallback((a: AlarmJson) => void act(() => post(`/api/v1/alarms/${a.id}/hazard`, token, {})), [token]);

  return (
    <main class="dispatcher">
      <header>
        <h1>hazardline {t(lang, 'title')}</h1>
        <span class={connected ? 'live' : 'down'} data-testid="connection">{t(lang, connected ? 'connected' : 'disconnected')}</span>
        {me && <span class="me" data-testid="me">{word(ROLE, me.role, lang)} {me.name}</span>}
        <span class="rate" data-testid="same-day-rate" title={L(lang, '今日报警中在当天处置完毕的比例（处置，不只是确认）', "Today's alarms disposed by the end of the day (disposed, not only acknowledged)")}>
          {L(lang, '今日当天处置率', 'Same-day disposal today')} {rate === null ? <b>…</b> : <><b>{rate.sameDayDisposalRate === null ? '—' : `${Math.round(rate.sameDayDisposalRate * 1000) / 10}%`}</b> <small>({rate.sameDay}/{rate.raised})</small></>}
        </span>
        <button onClick={() => setMuted(!muted)}>{t(lang, muted ? 'unmute' : 'mute')}</button>
        <UplinkBadge token={token} lang={lang} />
      </header>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="layout">
        <section class="board">
          <nav class="tabs">
            <button data-view="live" class={view === 'live' ? 'on' : ''} onClick={() => setView('live')}>{t(lang, 'openAlarms')} (<span data-testid="open-count">{alarms.size}</span>)</button>
            <button data-view="journal" class={view === 'journal' ? 'on' : ''} onClick={() => setView('journal')}>{L(lang, '报警日志', 'Journal')}</button>
            <button data-view="handover" class={view === 'handover' ? 'on' : ''} onClick={() => setView('handover')}>{L(lang, '交接班', 'Shift handover')}</button>
          </nav>
          {view === 'handover' ? (
            <HandoverPanel token={token} lang={lang} names={names} me={me} />
          ) : view === 'journal' ? (
            <Journal token={token} lang={lang} names={names} />
          ) : (
            <>
              <div class="filters">
                <input type="search" name="q" placeholder={L(lang, '搜索报警、地点、设备', 'Search alarm, place, device')} value={filter.q} onInput={(e) => setFilter({ ...filter, q: (e.target as HTMLInputElement).value })} />
                <select name="severity" value={filter.severity} onChange={(e) => setFilter({ ...filter, severity: (e.target as HTMLSelectElement).value })}><option value="">{L(lang, '全部级别', 'All levels')}</option>{Object.keys(SEVERITY).map((k) => <option key={k} value={k}>{SEVERITY[k][lang]}</option>)}</select>
                <select name="state" value={filter.state} onChange={(e) => setFilter({ ...filter, state: (e.target as HTMLSelectElement).value })}><option value="">{L(lang, '全部状态', 'All states')}</option>{Object.keys(STATE).filter((k) => k !== 'normal').map((k) => <option key={k} value={k}>{STATE[k][lang]}</option>)}</select>
                <select name="sort" value={filter.sort} onChange={(e) => setFilter({ ...filter, sort: (e.target as HTMLSelectElement).value as (typeof SORTS)[number] })}>
                  <option value="urgency">{L(lang, '按紧急程度', 'Most urgent first')}</option>
                  <option value="raisedAt">{L(lang, '按报警时间', 'Newest first')}</option>
                  <option value="severity">{L(lang, '按级别', 'By level')}</option>
                  <option value="place">{L(lang, '按地点', 'By place')}</option>
                </select>
                {list.length !== alarms.size && <small>{L(lang, `显示 ${list.length} / ${alarms.size}`, `showing ${list.length} of ${alarms.size}`)}</small>}
              </div>
              {alarms.size === 0 && <p class="empty">{t(lang, 'none')}</p>}
              <table class="alarms grid">
                <thead><tr>{HEAD(lang).map((h, i) => <th key={i}>{h}</th>)}</tr></thead>
                <tbody>
                  {list.map((a) => <Row key={a.id} a={a} lang={lang} minute={minute} selected={selected === a.id} names={names} disposal={disposals.get(a.id)} onSelect={setSelected} onDialog={setDialog} onHazard={onHazard} />)}
                </tbody>
              </table>
            </>
          )}
        </section>
        <aside>
          {selected && alarms.get(selected) && <Snapshot a={alarms.get(selected)!} lang={lang} />}
          {selected && alarms.get(selected) && <Trend alarm={alarms.get(selected)!} token={token} lang={lang} title={t(lang, 'trend')} names={names} />}
          {selected && alarms.get(selected) && <Notifications kind="alarm" id={selected} token={token} lang={lang} refresh={alarms.get(selected)!.escalations} />}
          <SiteView token={token} lang={lang} feed={feed} />
          <HealthPanel token={token} lang={lang} raises={raises} />
        </aside>
      </div>
      {dialog?.kind === 'dispose' && <DisposeDialog lang={lang} token={token} alarm={dialog.alarm} me={me} onCancel={() => setDialog(null)} onDone={(d) => { setDisposals((m) => new Map(m).set(dialog.alarm.id, d)); setDialog(null); refreshDisposals(); }} />}
      {dialog && dialog.kind !== 'dispose' && <ActionDialog lang={lang} dialog={dialog} onCancel={() => setDialog(null)} onSubmit={(v) => act(() => (dialog.kind === 'ack' ? post(`/api/v1/alarms/${dialog.alarm.id}/ack`, token, { note: v.text }) : post(`/api/v1/alarms/${dialog.alarm.id}/shelve`, token, { reason: v.text, until: Date.now() + v.hours * 3_600_000 })))} />}
    </main>
  );
}

/** 报警处置: cause (the rule's list, or other with text), measures, result, the person responsible. */
function DisposeDialog({ lang, token, alarm, me, onCancel, onDone }: { lang: Lang; token: string; alarm: AlarmJson; me: Me | null; onCancel: () => void; onDone: (d: Disposal) => void }) {
  const [causes, setCauses] = useState<{ id: string; zh: string; en: string }[]>([]);
  const [v, setV] = useState({ cause: '', causeText: '', measures: '', result: '', responsible: me?.name ?? '', note: '' });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<{ causes: { id: string; zh: string; en: string }[] }>(`/api/v1/alarms/${encodeURIComponent(alarm.id)}`, token).then((r) => {
      setCauses(r.causes);
      setV((x) => ({ ...x, cause: x.cause || r.causes[0]?.id || '' }));
    }, () => {});
  }, [alarm.id, token]);
  const set = (k: keyof typeof v) => (e: Event) => setV({ ...v, [k]: (e.target as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await post<{ alarm: { disposal: Disposal } }>(`/api/v1/alarms/${encodeURIComponent(alarm.id)}/dispose`, token, { cause: v.cause, causeText: v.causeText || undefined, measures: v.measures, result: v.result, responsible: v.responsible || undefined, note: v.note || undefined });
      onDone(r.alarm.disposal);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="dialog dispose" aria-modal="true" onSubmit={(e) => void submit(e)}>
      <h3>{L(lang, '报警处置', 'Dispose of the alarm')}</h3>
      <p>{lang === 'zh' ? alarm.message : alarm.messageEn}</p>
      <label>{L(lang, '原因', 'Cause')} <select name="cause" value={v.cause} onChange={set('cause')}>{causes.map((c) => <option key={c.id} value={c.id}>{c[lang]}</option>)}</select></label>
      <label>{L(lang, '原因说明', 'Cause detail')} <input name="causeText" value={v.causeText} onInput={set('causeText')} required={v.cause === 'other'} /></label>
      <label>{L(lang, '处置措施', 'Measures taken')} <input name="measures" value={v.measures} onInput={set('measures')} required /></label>
      <label>{L(lang, '处置结果', 'Result')} <input name="result" value={v.result} onInput={set('result')} required /></label>
      <label>{L(lang, '现场责任人', 'Person responsible')} <input name="responsible" value={v.responsible} onInput={set('responsible')} /></label>
      <label>{L(lang, '备注', 'Note')} <input name="note" value={v.note} onInput={set('note')} /></label>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="buttons">
        <button type="submit" data-action="submit">{L(lang, '提交处置', 'Record disposal')}</button>
        <button type="button" onClick={onCancel}>{t(lang, 'cancel')}</button>
      </div>
    </form>
  );
}

function ActionDialog({ lang, dialog, onCancel, onSubmit }: { lang: Lang; dialog: NonNullable<Dialog>; onCancel: () => void; onSubmit: (v: { text: string; hours: number }) => void }) {
  const [text, setText] = useState('');
  const [hours, setHours] = useState(4);
  return (
    <form class="dialog" aria-modal="true" onSubmit={(e) => { e.preventDefault(); onSubmit({ text, hours }); }}>
      <p>{lang === 'zh' ? dialog.alarm.message : dialog.alarm.messageEn}</p>
      <label>{t(lang, dialog.kind === 'ack' ? 'note' : 'reason')} <input name="text" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} required={dialog.kind === 'shelve'} /></label>
      {dialog.kind === 'shelve' && <label>{t(lang, 'hours')} <input name="hours" type="number" min="1" max="168" value={hours} onInput={(e) => setHours(Number((e.target as HTMLInputElement).value))} /></label>}
      <button type="submit" data-action="submit">{t(lang, 'submit')}</button>
      <button type="button" onClick={onCancel}>{t(lang, 'cancel')}</button>
    </form>
  );
}

function App() {
  const [token, setToken] = useState<string | null>(sessionToken());
  const { lang, switcher } = useLang();
  return (
    <>
      {switcher}
      {token ? <Board token={token} lang={lang} /> : <Login lang={lang} onToken={setToken} />}
    </>
  );
}

render(<App />, document.getElementById('app')!);
