// 监管端 — the regulator's online-inspection board (线上巡查 + 线下核查, issue 6): every enterprise
// of its jurisdictions with its risk colour and the reasons, declared status next to what the
// meters show; the anomaly queue with the evidence; verification tasks opened from a finding and
// their on-site results; supervised (督办) major and overdue hazards. Alarm and hazard events are
// pushed over the WebSocket and reload the board (debounced); a finding's evidence — the readings
// that triggered it — opens as a chart under it.
import { Fragment, render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { liveStream, post, sessionToken } from './api.ts';
import { hazardState, SEVERITY, type Lang } from './i18n.ts';
import { Trend } from './trend.tsx';

const DECLARED: Record<string, { zh: string; en: string }> = { producing: { zh: '生产', en: 'producing' }, stopped: { zh: '停产', en: 'stopped' }, rectifying: { zh: '停产整顿', en: 'rectifying' } };
const L = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);

function Board({ token, lang }: { token: string; lang: Lang }) {
  const [board, setBoard] = useState<any>(null);
  const [error, setError] = useState<string | null>(null);
  const [verify, setVerify] = useState<{ alarm: any } | null>(null);
  const [result, setResult] = useState<{ task: any; confirmed: boolean } | null>(null);
  const [text, setText] = useState('');
  const [connected, setConnected] = useState(false);
  const [evidence, setEvidence] = useState<string | null>(null);
  const load = useCallback(async () => {
    const res = await fetch('/api/v1/inspection', { headers: { authorization: `Bearer ${token}` } });
    const json = await res.json();
    if (!res.ok) setError(json.error?.message ?? `HTTP ${res.status}`);
    else setBoard(json);
  }, [token]);
  useEffect(() => {
    void load();
    // pushed events reload the board (at most every 0.5 s); the slow poll covers what is not pushed (live meter values)
    let pending: ReturnType<typeof setTimeout> | undefined;
    const soon = () => void (pending ??= setTimeout(() => ((pending = undefined), void load()), 500));
    const stream = liveStream(token, ['alarms', 'hazards'], { status: setConnected, snapshot: soon, alarm: soon, hazard: soon });
    const timer = setInterval(() => void load(), 30_000);
    return () => {
      clearInterval(timer);
      clearTimeout(pending);
      stream.close();
    };
  }, [load]);
  const run = async (fn: () => Promise<unknown>) => {
    try {
      setError(null);
      await fn();
      setVerify(null);
      setResult(null);
      setText('');
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (!board) return <p>{error ?? '…'}</p>;
  return (
    <main>
      <header>
        <h1>{L(lang, '监管端 · 线上巡查', 'Regulator · online inspection')}</h1>
        <span class={connected ? 'live' : 'down'} data-testid="connection">{connected ? L(lang, '实时推送', 'live') : L(lang, '推送中断，正在重连…', 'disconnected, reconnecting…')}</span>
      </header>
      {error && <p class="error" role="alert">{error}</p>}
      <table class="alarms enterprises">
        <tbody>
          {board.enterprises.map((e: any) => (
            <tr key={e.id} data-enterprise={e.id} class={`sev-${e.riskColour}`}>
              <td class="sev" data-testid="risk">{SEVERITY[e.riskColour][lang]}</td>
              <td class="msg">
                <div>{e.name ?? e.id} <small>({e.id})</small></div>
                <small>{L(lang, '申报', 'declared')}: {DECLARED[e.declaredStatus]?.[lang]} · {L(lang, '电力', 'power')}: {e.live.powerKw.map((p: any) => `${p.value} kW`).join(', ') || '—'} · {L(lang, '皮带', 'belt')}: {e.live.beltRunning.some((b: any) => b.value >= 1) ? L(lang, '运行', 'running') : L(lang, '停止', 'stopped')} · {L(lang, '在岗人数', 'persons')}: {e.live.zones.reduce((n: number, z: any) => n + z.persons, 0)}</small>
                {e.edge && (
                  <small class={`edge ${e.edge.connected && e.edge.behindSeconds < 300 ? 'live' : 'down'}`} data-testid="edge">
                    <br />
                    {L(lang, '边缘网关', 'edge')} {e.edge.id}: {e.edge.connected ? L(lang, '在线', 'connected') : L(lang, '离线', 'offline')} · {L(lang, '数据延迟', 'behind')} {e.edge.behind[lang]}
                    {e.edge.backlog?.readings ? ` · ${L(lang, '待上传', 'queued')} ${e.edge.backlog.readings.toLocaleString()}` : ''}
                  </small>
                )}
                <details><summary>{L(lang, `风险分 ${e.risk.score}`, `risk score ${e.risk.score}`)}</summary><ul>{e.risk.reasons.map((r: any) => <li key={r.key}>{r[lang]}</li>)}</ul></details>
              </td>
              <td>{L(lang, '报警', 'alarms')} {e.alarms.open} · {L(lang, '隐患', 'hazards')} {e.hazards.open}{e.hazards.overdue ? ` (${L(lang, '逾期', 'overdue')} ${e.hazards.overdue})` : ''} · {L(lang, '离线设备', 'offline')} {e.devices.offline}/{e.devices.total}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{L(lang, '异常线索', 'Anomaly queue')} ({board.anomalies.length})</h2>
      <table class="alarms">
        <tbody>
          {board.anomalies.map((a: any) => (
            <Fragment key={a.id}>
              <tr data-anomaly={a.id} class={`sev-${a.severity}`}>
                <td class="sev">{a.finding[lang]}</td>
                <td class="msg"><div>{lang === 'zh' ? a.message : a.messageEn}</div><small>{a.enterprise} · {new Date(a.raisedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}</small></td>
                <td class="actions"><div>
                  <button data-action="evidence" onClick={() => setEvidence(evidence === a.id ? null : a.id)}>{L(lang, '查看证据', 'Evidence')}</button>
                  <button data-action="verify" onClick={() => { setVerify({ alarm: a }); setText(a.message); }}>{L(lang, '发起核查', 'Verify on site')}</button>
                </div></td>
              </tr>
              {evidence === a.id && <tr class="evidence"><td colSpan={3}><Trend alarm={a} token={token} lang={lang} title={L(lang, '证据：触发该线索的数据', 'Evidence: the readings behind this finding')} /></td></tr>}
            </Fragment>
          ))}
        </tbody>
      </table>
      <h2>{L(lang, '线下核查任务', 'Verification tasks')} ({board.verifications.length})</h2>
      <table class="alarms">
        <tbody>
          {board.verifications.map((v: any) => (
            <tr key={v.id} data-task={v.id}>
              <td class="msg"><div>{v.finding}</div><small>{v.enterprise} · {L(lang, '期限', 'due')} {new Date(v.dueBy).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' })}</small></td>
              <td class="actions"><div>
                <button data-action="confirmed" onClick={() => setResult({ task: v, confirmed: true })}>{L(lang, '属实', 'Confirmed')}</button>
                <button data-action="not-confirmed" onClick={() => setResult({ task: v, confirmed: false })}>{L(lang, '不属实', 'Not confirmed')}</button>
              </div></td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{L(lang, '督办隐患', 'Supervised hazards')} ({board.supervised.length})</h2>
      <ul class="supervised">
        {board.supervised.map((h: any) => <li key={h.id} data-hazard={h.id}>{h.level === 'major' ? L(lang, '【重大】', '[major] ') : ''}{h.title} · {h.enterprise} · {hazardState(h.state, lang)}{h.flags?.overdueRectification ? ` · ${L(lang, '逾期未整改', 'overdue')}` : ''}</li>)}
      </ul>
      {verify && (
        <form class="dialog" aria-modal="true" onSubmit={(e) => { e.preventDefault(); void run(() => post('/api/v1/verifications', token, { enterprise: verify.alarm.enterprise, finding: text, alarmIds: [verify.alarm.id], dueBy: Date.now() + 3 * 86_400_000 })); }}>
          <label>{L(lang, '核查事项', 'Finding')} <input name="finding" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} required /></label>
          <button type="submit" data-action="submit">{L(lang, '下发核查任务（3 天内）', 'Send task (due in 3 days)')}</button>
          <button type="button" onClick={() => setVerify(null)}>{L(lang, '取消', 'Cancel')}</button>
        </form>
      )}
      {result && (
        <form class="dialog" aria-modal="true" onSubmit={(e) => { e.preventDefault(); void run(() => post(`/api/v1/verifications/${result.task.id}/result`, token, { confirmed: result.confirmed, note: text })); }}>
          <p>{result.task.finding}</p>
          <label>{L(lang, '现场核查情况', 'On-site result')} <input name="note" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} required /></label>
          <button type="submit" data-action="submit">{result.confirmed ? L(lang, '确认属实，生成隐患', 'Confirmed: open a hazard') : L(lang, '不属实，关闭', 'Not confirmed: close')}</button>
          <button type="button" onClick={() => setResult(null)}>{L(lang, '取消', 'Cancel')}</button>
        </form>
      )}
    </main>
  );
}

function App() {
  const token = sessionToken();
  const [lang, setLang] = useState<Lang>((localStorage.getItem('hazardline-lang') as Lang) ?? 'zh');
  return (
    <>
      <button class="lang" onClick={() => { const n = lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('hazardline-lang', n); setLang(n); }}>{lang === 'zh' ? 'English' : '中文'}</button>
      {token ? <Board token={token} lang={lang} /> : <p>{L(lang, '请使用带令牌的链接打开（?token=…）', 'Open with your token link (?token=…)')}</p>}
    </>
  );
}

render(<App />, document.getElementById('app')!);
