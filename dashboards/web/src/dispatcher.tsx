// 调度台 — the dispatcher's live alarm board (issue 6): the open alarms over the WebSocket
// (snapshot, then transitions), coloured by severity, unacknowledged ones flashing, overdue
// ones pinned on top, the same-day due time counting down, a sound on a new red alarm (mutable);
// acknowledge with a note, shelve with a reason and expiry, or turn into a hazard report. Beside
// the board: the selected alarm's trend, the site view and the alarm system's health.
import { render } from 'preact';
import { memo } from 'preact/compat';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { liveStream, post, sessionToken, type AlarmJson, type LiveStream } from './api.ts';
import { HealthPanel } from './health-panel.tsx';
import { SEVERITY, STATE, t, type Lang } from './i18n.ts';
import { SiteView } from './site-view.tsx';
import { UplinkBadge } from './uplink-badge.tsx';
import { Trend } from './trend.tsx';

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

function countdown(dueBy: string, now: number): string {
  const ms = Date.parse(dueBy) - now;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return `${h}:${String(m).padStart(2, '0')}`;
}

function Login({ lang, onToken }: { lang: Lang; onToken: (t: string) => void }) {
  const [v, setV] = useState('');
  return (
    <form class="login" onSubmit={(e) => { e.preventDefault(); sessionStorage.setItem('hazardline-token', v); onToken(v); }}>
      <label>{t(lang, 'token')} <input value={v} onInput={(e) => setV((e.target as HTMLInputElement).value)} /></label>
      <button type="submit">{t(lang, 'login')}</button>
    </form>
  );
}

type Dialog = { kind: 'ack' | 'shelve'; alarm: AlarmJson } | null;

const sortKey = (a: AlarmJson, b: AlarmJson) => Number(b.overdue) - Number(a.overdue) || RANK[b.severity] - RANK[a.severity] || Date.parse(b.raisedAt) - Date.parse(a.raisedAt);

/**
 * One alarm row. Memoised: with 1,000 open alarms and dozens of updates a second only the rows
 * whose alarm changed are rendered again; the countdown changes once a minute (`minute`).
 */
const Row = memo(function Row({ a, lang, minute, selected, onSelect, onDialog, onHazard }: { a: AlarmJson; lang: Lang; minute: number; selected: boolean; onSelect: (id: string) => void; onDialog: (d: Dialog) => void; onHazard: (a: AlarmJson) => void }) {
  return (
    <tr data-alarm={a.id} data-state={a.state} onClick={() => onSelect(a.id)} class={`${selected ? 'selected ' : ''}sev-${a.severity} ${a.state === 'active_unacked' ? 'flash' : ''} ${a.overdue ? 'overdue' : ''}`}>
      <td class="sev">{SEVERITY[a.severity][lang]}</td>
      <td class="msg">
        <div>{lang === 'zh' ? a.message : a.messageEn}</div>
        <small>{[a.enterprise, a.site, a.zone, a.device].filter(Boolean).join(' / ')} · {new Date(a.raisedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai' })}{a.count > 1 ? ` · ×${a.count}` : ''}{a.retroactive ? ` · ${t(lang, 'retroactive')}` : ''}{a.origin ? ` · ${t(lang, 'fromEdge')} ${a.origin}` : ''}</small>
      </td>
      <td class="state">{STATE[a.state]?.[lang] ?? a.state}</td>
      <td class="due">{a.overdue ? t(lang, 'overdue') : `${t(lang, 'dueIn')} ${countdown(a.dueBy, minute * 60_000)}`}</td>
      <td class="actions"><div>
        {(a.state === 'active_unacked' || a.state === 'cleared_unacked') && <button data-action="ack" onClick={() => onDialog({ kind: 'ack', alarm: a })}>{t(lang, 'ack')}</button>}
        {a.state !== 'shelved' && a.state !== 'suppressed' && <button data-action="shelve" onClick={() => onDialog({ kind: 'shelve', alarm: a })}>{t(lang, 'shelve')}</button>}
        {a.hazardId ? <span class="linked">{t(lang, 'linked')}</span> : <button data-action="hazard" onClick={() => onHazard(a)}>{t(lang, 'hazard')}</button>}
      </div></td>
    </tr>
  );
});

function Board({ token, lang }: { token: string; lang: Lang }) {
  const [alarms, setAlarms] = useState<Map<string, AlarmJson>>(new Map());
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

  const list = useMemo(() => [...alarms.values()].sort(sortKey), [alarms]);

  const act = async (fn: () => Promise<unknown>) => {
    try {
      setError(null);
      await fn();
      setDialog(null);
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
        <button onClick={() => setMuted(!muted)}>{t(lang, muted ? 'unmute' : 'mute')}</button>
        <UplinkBadge token={token} lang={lang} />
      </header>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="layout">
        <section class="board">
          <h2>{t(lang, 'openAlarms')} (<span data-testid="open-count">{list.length}</span>)</h2>
          {list.length === 0 && <p class="empty">{t(lang, 'none')}</p>}
          <table class="alarms">
            <tbody>
              {list.map((a) => <Row key={a.id} a={a} lang={lang} minute={minute} selected={selected === a.id} onSelect={setSelected} onDialog={setDialog} onHazard={onHazard} />)}
            </tbody>
          </table>
        </section>
        <aside>
          {selected && alarms.get(selected) && <Trend alarm={alarms.get(selected)!} token={token} lang={lang} title={t(lang, 'trend')} />}
          <SiteView token={token} lang={lang} feed={feed} />
          <HealthPanel token={token} lang={lang} raises={raises} />
        </aside>
      </div>
      {dialog && <ActionDialog lang={lang} dialog={dialog} onCancel={() => setDialog(null)} onSubmit={(v) => act(() => (dialog.kind === 'ack' ? post(`/api/v1/alarms/${dialog.alarm.id}/ack`, token, { note: v.text }) : post(`/api/v1/alarms/${dialog.alarm.id}/shelve`, token, { reason: v.text, until: Date.now() + v.hours * 3_600_000 })))} />}
    </main>
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
  const [lang, setLang] = useState<Lang>((localStorage.getItem('hazardline-lang') as Lang) ?? 'zh');
  const switchLang = () => {
    const next = lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('hazardline-lang', next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLang(next);
  };
  return (
    <>
      <button class="lang" onClick={switchLang}>{lang === 'zh' ? 'English' : '中文'}</button>
      {token ? <Board token={token} lang={lang} /> : <Login lang={lang} onToken={setToken} />}
    </>
  );
}

render(<App />, document.getElementById('app')!);
