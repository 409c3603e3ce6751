// 监管端 — the regulator's online-inspection board (线上巡查 + 线下核查, issues 6 and 14): KPI tiles
// over the jurisdiction; every enterprise with its risk colour and the reasons, declared status
// next to what the meters show (a contradiction flagged at once); the anomaly queue with the
// evidence; verification tasks sent to named inspectors with a deadline and their on-site results;
// 督办 — the major and overdue hazards with owner, deadline, age and state, each opening the
// hazard's page (approve a major hazard's closure, extend, reject…); and the jurisdiction's hazard
// ledger, where a closed hazard can be reopened (回头看). Pushed events reload the board (debounced).
import { Fragment, render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { liveStream, post, sessionToken } from './api.ts';
import { fmtDate, fmtTime, fromLocalInput, localInput, timeLeft } from './format.ts';
import { HazardDetail } from './hazard-detail.tsx';
import { HazardLedger } from './hazard-ledger.tsx';
import { DECLARED, HAZARD_LEVEL, L, ROLE, SEVERITY, hazardState, word, type Lang } from './i18n.ts';
import { useLang } from './lang-switch.tsx';
import { useMe, useNames, type Names } from './names.ts';
import { Trend } from './trend.tsx';
import { Overview } from './overview.tsx';
import { FieldDesk } from './field-desk.tsx';
import { SanweiDesk } from './sanwei-desk.tsx';

const pct = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${Math.round(r * 1000) / 10}%`);

function Kpis({ kpi, lang }: { kpi: any; lang: Lang }) {
  const tiles: [string, string, string, string][] = [
    ['enterprises', L(lang, '监管企业', 'Enterprises'), String(kpi.enterprises), ''],
    ['online', L(lang, '无离线设备的企业', 'Enterprises with no device offline'), `${kpi.enterprisesOnline} / ${kpi.enterprises}`, kpi.enterprisesOnline < kpi.enterprises ? 'bad' : 'good'],
    ['alarms', L(lang, '未关闭报警', 'Open alarms'), String(kpi.openAlarms), kpi.openAlarms ? 'bad' : 'good'],
    ['hazards', L(lang, '在办隐患', 'Open hazards'), String(kpi.openHazards), ''],
    ['overdue', L(lang, '逾期未整改', 'Overdue'), String(kpi.overdueHazards), kpi.overdueHazards ? 'bad' : 'good'],
    ['major', L(lang, '重大隐患', 'Major hazards'), String(kpi.majorHazards), kpi.majorHazards ? 'bad' : ''],
    ['contradictions', L(lang, '申报与实况不符', 'Declared ≠ live'), String(kpi.contradictions), kpi.contradictions ? 'bad' : 'good'],
    ['sameDay', L(lang, '今日报警当天处置率', 'Same-day disposal today'), pct(kpi.sameDayDisposalRate), kpi.sameDayDisposalRate !== null && kpi.sameDayDisposalRate < 1 ? 'bad' : ''],
  ];
  return (
    <div class="kpis">
      {tiles.map(([k, label, value, cls]) => (
        <div key={k} class={`kpi ${cls}`} data-kpi={k}>
          <b>{value}</b>
          <small>{label}</small>
        </div>
      ))}
    </div>
  );
}

function Board({ token, lang, names, onConnected }: { token: string; lang: Lang; names: Names; onConnected: (c: boolean) => void }) {
  const [board, setBoard] = useState<any>(null);
  const [error, setError] = useState<string | null>(null);
  const [verify, setVerify] = useState<{ alarm: any } | null>(null);
  const [result, setResult] = useState<{ task: any; confirmed: boolean } | null>(null);
  const [text, setText] = useState('');
  const [inspectors, setInspectors] = useState('');
  const [due, setDue] = useState(localInput(Date.now() + 3 * 86_400_000));
  const setConnected = onConnected;
  const [evidence, setEvidence] = useState<string | null>(null);
  const [hazard, setHazard] = useState<string | null>(null);
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
      setInspectors('');
      await load();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (!board) return <p>{error ?? '…'}</p>;
  const now = Date.now();
  return (
    <>
      {error && <p class="error" role="alert">{error}</p>}
      {board.kpi && <Kpis kpi={board.kpi} lang={lang} />}
      <h2>{L(lang, '企业风险', 'Enterprises')} ({board.enterprises.length})</h2>
      <table class="alarms enterprises">
        <tbody>
          {board.enterprises.map((e: any) => (
            <tr key={e.id} data-enterprise={e.id} class={`sev-${e.riskColour}`}>
              <td class="sev" data-testid="risk">{SEVERITY[e.riskColour][lang]}</td>
              <td class="msg">
                <div>{e.name ?? e.id}</div>
                {e.contradiction && <div class="contradiction" data-testid="contradiction">⚠ {e.contradiction[lang]}</div>}
                <small>{L(lang, '申报', 'declared')}: {word(DECLARED, e.declaredStatus, lang)} · {L(lang, '电力', 'power')}: {e.live.powerKw.map((p: any) => `${names.device(e.id, null, p.device, lang)} ${p.value} kW`).join(', ') || '—'} · {L(lang, '皮带', 'belt')}: {e.live.beltRunning.some((b: any) => b.value >= 1) ? L(lang, '运行', 'running') : L(lang, '停止', 'stopped')} · {L(lang, '在岗人数', 'persons')}: {e.live.zones.reduce((n: number, z: any) => n + z.persons, 0)}</small>
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
      <h2>{L(lang, '督办隐患', 'Supervised hazards (督办)')} ({board.supervised.length})</h2>
      <table class="grid supervised">
        <thead>
          <tr><th>{L(lang, '隐患', 'Hazard')}</th><th>{L(lang, '企业', 'Enterprise')}</th><th>{L(lang, '状态', 'State')}</th><th>{L(lang, '整改责任人', 'Owner')}</th><th>{L(lang, '整改期限', 'Deadline')}</th><th>{L(lang, '已历时', 'Age')}</th></tr>
        </thead>
        <tbody>
          {board.supervised.map((h: any) => {
            const left = h.rectification ? timeLeft(h.rectification.deadline, now, lang) : null;
            return (
              <Fragment key={h.id}>
                <tr data-supervised={h.id} data-hazard={h.id} class={hazard === h.id ? 'selected' : ''} onClick={() => setHazard(hazard === h.id ? null : h.id)}>
                  <td class="title">{h.level === 'major' && <span class="major">{L(lang, '重大', 'Major')}</span>}{h.title}{h.flags?.overdueRectification && <b class="late"> · {L(lang, '逾期未整改', 'overdue')}</b>}</td>
                  <td>{h.enterpriseName ?? names.enterprise(h.enterprise)}</td>
                  <td><span class={`state st-${h.state}`}>{hazardState(h.state, lang)}</span></td>
                  <td>{h.rectification?.owner ?? '—'}</td>
                  <td>{h.rectification ? <>{fmtDate(h.rectification.deadline, lang)} · <b class={left!.late ? 'late' : ''}>{left!.text}</b></> : '—'}</td>
                  <td class="num">{h.ageDays ?? 0} {L(lang, '天', 'd')}</td>
                </tr>
                {hazard === h.id && <tr class="detail"><td colSpan={6}><HazardDetail id={h.id} token={token} lang={lang} names={names} onChanged={() => void load()} onClose={() => setHazard(null)} /></td></tr>}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {board.supervised.length === 0 && <p class="empty">{L(lang, '暂无督办隐患', 'Nothing under supervision')}</p>}
      {/* a hazard just closed leaves 督办: its page stays open until it is closed here */}
      {hazard && !board.supervised.some((h: any) => h.id === hazard) && <HazardDetail id={hazard} token={token} lang={lang} names={names} onChanged={() => void load()} onClose={() => setHazard(null)} />}
      <h2>{L(lang, '异常线索', 'Anomaly queue')} ({board.anomalies.length})</h2>
      <table class="alarms">
        <tbody>
          {board.anomalies.map((a: any) => (
            <Fragment key={a.id}>
              <tr data-anomaly={a.id} class={`sev-${a.severity}`}>
                <td class="sev">{a.finding[lang]}</td>
                <td class="msg"><div>{lang === 'zh' ? a.message : a.messageEn}</div><small>{names.place(a, lang)} · {fmtTime(a.raisedAt, lang)}</small></td>
                <td class="actions"><div>
                  <button data-action="evidence" onClick={() => setEvidence(evidence === a.id ? null : a.id)}>{L(lang, '查看证据', 'Evidence')}</button>
                  <button data-action="verify" onClick={() => { setVerify({ alarm: a }); setText(a.message); }}>{L(lang, '发起核查', 'Verify on site')}</button>
                </div></td>
              </tr>
              {evidence === a.id && <tr class="evidence"><td colSpan={3}><Trend alarm={a} token={token} lang={lang} names={names} title={L(lang, '证据：触发该线索的数据', 'Evidence: the readings behind this finding')} /></td></tr>}
            </Fragment>
          ))}
        </tbody>
      </table>
      <h2>{L(lang, '线下核查任务', 'Verification tasks')} ({board.verifications.length})</h2>
      <table class="alarms">
        <tbody>
          {board.verifications.map((v: any) => (
            <tr key={v.id} data-task={v.id}>
              <td class="msg"><div>{v.finding}</div><small>{v.enterpriseName ?? names.enterprise(v.enterprise)} · {L(lang, '核查人员', 'inspectors')} {(v.inspectors ?? []).join('、') || '—'} · {L(lang, '期限', 'due')} {fmtTime(v.dueBy, lang)} · <b class={timeLeft(v.dueBy, now, lang).late ? 'late' : ''}>{timeLeft(v.dueBy, now, lang).text}</b></small></td>
              <td class="actions"><div>
                <button data-action="confirmed" onClick={() => setResult({ task: v, confirmed: true })}>{L(lang, '属实', 'Confirmed')}</button>
                <button data-action="not-confirmed" onClick={() => setResult({ task: v, confirmed: false })}>{L(lang, '不属实', 'Not confirmed')}</button>
              </div></td>
            </tr>
          ))}
        </tbody>
      </table>
      {verify && (
        <form class="dialog" aria-modal="true" onSubmit={(e) => { e.preventDefault(); void run(() => post('/api/v1/verifications', token, { enterprise: verify.alarm.enterprise, finding: text, alarmIds: [verify.alarm.id], dueBy: fromLocalInput(due), inspectors: inspectors.split(/[,，、\s]+/).map((x) => x.trim()).filter(Boolean) })); }}>
          <p>{names.enterprise(verify.alarm.enterprise)}</p>
          <label>{L(lang, '核查事项', 'Finding')} <input name="finding" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} required /></label>
          <label>{L(lang, '核查人员（以顿号分隔）', 'Inspectors (names, comma-separated)')} <input name="inspectors" value={inspectors} onInput={(e) => setInspectors((e.target as HTMLInputElement).value)} required /></label>
          <label>{L(lang, '完成期限', 'Due by')} <input name="dueBy" type="datetime-local" value={due} onInput={(e) => setDue((e.target as HTMLInputElement).value)} required /></label>
          <button type="submit" data-action="submit">{L(lang, '下发核查任务', 'Send the task')}</button>
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
    </>
  );
}

function Ledger({ token, lang, names }: { token: string; lang: Lang; names: Names }) {
  const [selected, setSelected] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  return (
    <div class="split">
      <HazardLedger token={token} lang={lang} names={names} selected={selected} onSelect={setSelected} refresh={refresh} showEnterprise />
      {selected ? <HazardDetail id={selected} token={token} lang={lang} names={names} onChanged={() => setRefresh((n) => n + 1)} onClose={() => setSelected(null)} /> : <section class="hazard-detail empty">{L(lang, '点击左侧隐患查看详情；已销号的隐患可“回头看”重新打开', 'Pick a hazard; a closed one can be reopened (回头看)')}</section>}
    </div>
  );
}

function Console({ token, lang }: { token: string; lang: Lang }) {
  const names = useNames(token);
  const me = useMe(token);
  const [tab, setTab] = useState<'board' | 'overview' | 'ledger' | 'field' | 'sanwei'>('board');
  const [connected, setConnected] = useState(false);
  return (
    <main class="regulator workbench">
      <header>
        <h1>{L(lang, '监管端 · 线上巡查', 'Regulator · online inspection')}</h1>
        <span class={connected ? 'live' : 'down'} data-testid="connection">{connected ? L(lang, '实时推送', 'live') : L(lang, '推送中断，正在重连…', 'disconnected, reconnecting…')}</span>
        {me && <span class="me" data-testid="me">{word(ROLE, me.role, lang)} {me.name}</span>}
        <nav class="tabs">
          <button data-tab="board" class={tab === 'board' ? 'on' : ''} onClick={() => setTab('board')}>{L(lang, '巡查与督办', 'Board')}</button>
          <button data-tab="overview" class={tab === 'overview' ? 'on' : ''} onClick={() => setTab('overview')}>{L(lang, '统计与通报', 'Figures & bulletin')}</button>
          <button data-tab="ledger" class={tab === 'ledger' ? 'on' : ''} onClick={() => setTab('ledger')}>{L(lang, '隐患台账', 'Hazard ledger')}</button>
          <button data-tab="field" class={tab === 'field' ? 'on' : ''} onClick={() => setTab('field')}>{L(lang, '事故·复工·特殊时期', 'Accidents · resumption · periods')}</button>
          <button data-tab="sanwei" class={tab === 'sanwei' ? 'on' : ''} onClick={() => setTab('sanwei')}>{L(lang, '三违', '三违')}</button>
        </nav>
      </header>
      {/* the board stays mounted (its stream and polling) while the ledger is shown */}
      <div hidden={tab !== 'board'}><Board token={token} lang={lang} names={names} onConnected={setConnected} /></div>
      {tab === 'overview' && <Overview token={token} lang={lang} names={names} role="regulator" />}
      {tab === 'ledger' && <Ledger token={token} lang={lang} names={names} />}
      {tab === 'field' && <FieldDesk token={token} lang={lang} names={names} />}
      {tab === 'sanwei' && <SanweiDesk token={token} lang={lang} names={names} canRecord />}
    </main>
  );
}

function App() {
  const token = sessionToken();
  const { lang, switcher } = useLang();
  return (
    <>
      {switcher}
      {token ? <Console token={token} lang={lang} /> : <p>{L(lang, '请使用带令牌的链接打开（?token=…）', 'Open with your token link (?token=…)')}</p>}
    </>
  );
}

render(<App />, document.getElementById('app')!);
