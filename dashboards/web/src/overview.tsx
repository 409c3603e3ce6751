// 概览 — the figures for people who decide (issue 15), shared by the regulator's and the officer's
// consoles: KPI tiles, the trend by day, alarms by family, hazards by source, the enterprises side
// by side and ranked, all from GET /api/v1/stats for the month, week or day chosen; the bulletin
// (月通报 / 日报) and the ledgers downloaded as files; the scheduled reports and their deliveries.
// ECharts is loaded when the overview opens (charts.ts).
import { useEffect, useRef, useState } from 'preact/hooks';
import { download, get } from './api.ts';
import { fmtTime } from './format.ts';
import { HAZARD_SOURCE, L, RULE_FAMILY, word, type Lang } from './i18n.ts';
import type { Names } from './names.ts';

const pct = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${Math.round(r * 1000) / 10}%`);
const num = (v: number | null | undefined, unit = '') => (v === null || v === undefined ? '—' : `${v}${unit}`);
const COLOUR: Record<string, [string, string]> = { red: ['红', 'red'], orange: ['橙', 'orange'], yellow: ['黄', 'yellow'], blue: ['蓝', 'blue'] };

/** A chart drawn by ECharts, loaded on first use. */
function Chart({ option, height = 220, label }: { option: Record<string, unknown>; height?: number; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<{ set(o: unknown): void; dispose(): void } | null>(null);
  useEffect(() => {
    let gone = false;
    void import('./charts.ts').then((m) => {
      if (gone || !el.current) return;
      chart.current = m.mount(el.current);
      chart.current.set(option);
    });
    return () => {
      gone = true;
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => chart.current?.set(option), [option]);
  return <div class="chart" ref={el} style={{ height: `${height}px` }} role="img" aria-label={label} />;
}

/** the console's own local date (the control room's clock), `YYYY-MM-DD` */
const localToday = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const thisMonth = () => localToday().slice(0, 7);
/** the last 24 months, newest first, as YYYY-MM */
const lastMonths = () => {
  const [y, m] = thisMonth().split('-').map(Number);
  return Array.from({ length: 24 }, (_, i) => new Date(Date.UTC(y, m - 1 - i, 1)).toISOString().slice(0, 7));
};
const today = localToday;

export function Overview({ token, lang, names, role }: { token: string; lang: Lang; names: Names; role: 'regulator' | 'officer' }) {
  const [period, setPeriod] = useState<'month' | 'week' | 'day'>('month');
  const [month, setMonth] = useState(thisMonth());
  const [date, setDate] = useState(today());
  const [enterprise, setEnterprise] = useState('');
  const [s, setS] = useState<any>(null);
  const [runs, setRuns] = useState<any[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = () => {
    const p = new URLSearchParams({ period });
    if (period === 'month') p.set('month', month);
    else p.set('date', date);
    if (enterprise) p.set('enterprise', enterprise);
    return p;
  };
  useEffect(() => {
    setError(null);
    get<any>(`/api/v1/stats?${query()}`, token).then(setS, (e: Error) => setError(e.message));
  }, [token, period, month, date, enterprise]);
  useEffect(() => {
    get<{ runs: any[] }>('/api/v1/reports/runs', token).then((r) => setRuns(r.runs), () => setRuns([]));
  }, [token]);
  const save = (url: string) => void download(url, token).catch((e: Error) => setError(e.message));
  const bulletin = (format: 'xlsx' | 'pdf') => {
    const p = query();
    p.set('format', format);
    save(`/api/v1/reports/bulletin?${p}`);
  };
  const exportLedger = (kind: string) => {
    const p = new URLSearchParams({ format: 'xlsx' });
    if (s) {
      p.set('from', s.period.from);
      p.set('to', s.period.to);
    }
    if (enterprise) p.set('enterprise', enterprise);
    save(`/api/v1/exports/${kind}?${p}`);
  };
  const h = s?.hazards;
  const a = s?.alarms;
  const tiles: [string, string, string, string][] = s
    ? [
        ['found', L(lang, '隐患总数', 'Hazards found'), String(h.found), ''],
        ['workerShare', L(lang, '职工举报占比', 'Found by workers'), pct(h.workerShare), ''],
        ['rectificationRate', L(lang, '整改率', 'Rectification rate'), pct(h.rectificationRate), h.rectificationRate !== null && h.rectificationRate < 0.9 ? 'bad' : 'good'],
        ['overdue', L(lang, '逾期未整改', 'Overdue'), String(h.overdue), h.overdue ? 'bad' : 'good'],
        ['openMajors', L(lang, '未销号重大隐患', 'Open major hazards'), String(h.openMajors), h.openMajors ? 'bad' : ''],
        ['rewards', L(lang, `举报奖励 ${s.rewards.count} 笔`, `Rewards paid (${s.rewards.count})`), `¥${s.rewards.amount}`, ''],
        ['raised', L(lang, '报警', 'Alarms'), `${a.raised} (${L(lang, '红', 'red')} ${a.bySeverity.red})`, ''],
        ['sameDay', L(lang, '当日处置率', 'Disposed same day'), pct(a.sameDayDisposalRate), a.sameDayDisposalRate !== null && a.sameDayDisposalRate < 1 ? 'bad' : 'good'],
        ['ack', L(lang, '平均确认用时', 'Mean time to ack'), num(a.meanMinutesToAck, L(lang, ' 分', ' min')), ''],
        ['findings', L(lang, '明停暗开线索', 'Stopped-but-running findings'), String(s.inspection.findingsTotal), s.inspection.findingsTotal ? 'bad' : 'good'],
        ['online', L(lang, '设备在线率', 'Devices online'), pct(s.devices.onlineRate), s.devices.onlineRate !== null && s.devices.onlineRate < 0.95 ? 'bad' : 'good'],
      ]
    : [];
  const days = s?.trend.map((d: any) => d.day.slice(5)) ?? [];
  return (
    <section class="overview">
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>{L(lang, '统计周期', 'Period')} <select name="period" value={period} onChange={(e) => setPeriod((e.target as HTMLSelectElement).value as 'month')}>
          <option value="month">{L(lang, '月', 'Month')}</option>
          <option value="week">{L(lang, '周', 'Week')}</option>
          <option value="day">{L(lang, '日', 'Day')}</option>
        </select></label>
        {period === 'month' ? <label>{L(lang, '月份', 'Month')} <select name="month" value={month} onChange={(e) => setMonth((e.target as HTMLSelectElement).value)}>{lastMonths().map((x) => <option key={x} value={x}>{lang === 'zh' ? `${x.slice(0, 4)}年${Number(x.slice(5))}月` : x}</option>)}</select></label> : <label>{L(lang, '日期', 'Date')} <input name="date" type="date" value={date} onInput={(e) => setDate((e.target as HTMLInputElement).value)} /></label>}
        {names.tree.length > 1 && (
          <label>{L(lang, '企业', 'Enterprise')} <select name="enterprise" value={enterprise} onChange={(e) => setEnterprise((e.target as HTMLSelectElement).value)}>
            <option value="">{L(lang, '全部', 'All')}</option>
            {names.tree.map((e) => <option key={e.id} value={e.id}>{e.name ?? e.id}</option>)}
          </select></label>
        )}
        <span class="grow" />
        <button type="button" data-action="bulletin-xlsx" onClick={() => bulletin('xlsx')}>{period === 'day' ? L(lang, '日报 Excel', 'Daily report (Excel)') : L(lang, '通报 Excel', 'Bulletin (Excel)')}</button>
        <button type="button" data-action="bulletin-pdf" onClick={() => bulletin('pdf')}>{period === 'day' ? L(lang, '日报 PDF', 'Daily report (PDF)') : L(lang, '通报 PDF', 'Bulletin (PDF)')}</button>
        <select name="export" value="" onChange={(e) => { const v = (e.target as HTMLSelectElement).value; if (v) exportLedger(v); (e.target as HTMLSelectElement).value = ''; }}>
          <option value="">{L(lang, '导出台账…', 'Export a ledger…')}</option>
          <option value="hazards">{L(lang, '隐患台账', 'Hazards')}</option>
          <option value="alarms">{L(lang, '报警台账', 'Alarms')}</option>
          <option value="rewards">{L(lang, '奖励台账', 'Rewards')}</option>
          {role === 'regulator' && <option value="verifications">{L(lang, '核查台账', 'Verifications')}</option>}
        </select>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {!s ? <p class="empty">{L(lang, '加载中…', 'Loading…')}</p> : (
        <>
          <p class="period" data-testid="period">{L(lang, '统计期', 'Period')} {s.trend[0]?.day} — {s.trend.at(-1)?.day} · {s.scope.enterprises.length} {L(lang, '家企业', 'enterprises')}</p>
          <div class="kpis">
            {tiles.map(([k, label, value, cls]) => (
              <div key={k} class={`kpi ${cls}`} data-kpi={k}><b>{value}</b><small>{label}</small></div>
            ))}
          </div>
          <div class="charts">
            <figure>
              <figcaption>{L(lang, '每日趋势', 'By day')}</figcaption>
              <Chart label="trend" height={240} option={{
                tooltip: { trigger: 'axis' },
                legend: { top: 0, textStyle: { color: '#c9d1d9' } },
                grid: { left: 36, right: 16, top: 30, bottom: 24 },
                xAxis: { type: 'category', data: days, axisLabel: { color: '#8b949e' } },
                yAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#8b949e' }, splitLine: { lineStyle: { color: '#21262d' } } },
                series: [
                  { name: L(lang, '隐患', 'Hazards'), type: 'bar', data: s.trend.map((d: any) => d.hazardsFound) },
                  { name: L(lang, '职工举报', 'Worker reports'), type: 'bar', data: s.trend.map((d: any) => d.workerReports) },
                  { name: L(lang, '整改完成', 'Rectified'), type: 'line', showSymbol: false, data: s.trend.map((d: any) => d.rectified) },
                  { name: L(lang, '报警', 'Alarms'), type: 'line', showSymbol: false, data: s.trend.map((d: any) => d.alarmsRaised) },
                ],
              }} />
            </figure>
            <figure>
              <figcaption>{L(lang, '报警分类', 'Alarms by family')}</figcaption>
              <Chart label="families" option={{
                tooltip: { trigger: 'axis' },
                grid: { left: 96, right: 24, top: 8, bottom: 24 },
                xAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#8b949e' }, splitLine: { lineStyle: { color: '#21262d' } } },
                yAxis: { type: 'category', data: Object.keys(a.byFamily).map((f) => word(RULE_FAMILY, f, lang)), axisLabel: { color: '#c9d1d9' } },
                series: [{ type: 'bar', barMaxWidth: 22, data: Object.values(a.byFamily), itemStyle: { color: '#ffa657' } }],
              }} />
            </figure>
            <figure>
              <figcaption>{L(lang, '隐患来源', 'Hazards by source')}</figcaption>
              <Chart label="sources" option={{
                tooltip: { trigger: 'item' },
                legend: { orient: 'vertical', right: 0, top: 'middle', textStyle: { color: '#c9d1d9' } },
                series: [{ type: 'pie', radius: ['45%', '75%'], center: ['38%', '50%'], label: { color: '#c9d1d9', formatter: '{c}' }, data: Object.entries(h.bySource).map(([k, v]) => ({ name: word(HAZARD_SOURCE, k, lang), value: v })) }],
              }} />
            </figure>
            {s.enterprises.length > 1 && (
              <figure>
                <figcaption>{L(lang, '企业对比', 'Enterprises')}</figcaption>
                <Chart label="enterprises" option={{
                  tooltip: { trigger: 'axis' },
                  legend: { top: 0, textStyle: { color: '#c9d1d9' } },
                  grid: { left: 36, right: 16, top: 30, bottom: 40 },
                  xAxis: { type: 'category', data: s.enterprises.map((e: any) => e.name ?? e.id), axisLabel: { color: '#c9d1d9', interval: 0 } },
                  yAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#8b949e' }, splitLine: { lineStyle: { color: '#21262d' } } },
                  series: [
                    { name: L(lang, '隐患', 'Hazards'), type: 'bar', barMaxWidth: 28, data: s.enterprises.map((e: any) => e.hazardsFound) },
                    { name: L(lang, '报警', 'Alarms'), type: 'bar', barMaxWidth: 28, data: s.enterprises.map((e: any) => e.alarmsRaised) },
                  ],
                }} />
              </figure>
            )}
          </div>
          <h2>{L(lang, '企业排名（按风险等级）', 'Enterprises by risk')}</h2>
          <table class="grid ranking">
            <thead><tr><th>{L(lang, '企业', 'Enterprise')}</th><th>{L(lang, '风险', 'Risk')}</th>{[[L(lang, '隐患', 'Hazards')], [L(lang, '职工举报', 'Worker')], [L(lang, '整改率', 'Rectified')], [L(lang, '逾期', 'Overdue')], [L(lang, '重大未销号', 'Open major')], [L(lang, '报警', 'Alarms')], [L(lang, '当日处置率', 'Same day')], [L(lang, '明停暗开', 'Stopped-running')], [L(lang, '设备在线率', 'Online')]].map(([h]) => <th key={h} class="num">{h}</th>)}</tr></thead>
            <tbody>
              {s.enterprises.map((e: any) => (
                <tr key={e.id} data-enterprise={e.id}>
                  <td>{e.name ?? e.id}</td>
                  <td><span class={`risk risk-${e.riskColour}`}>{COLOUR[e.riskColour][lang === 'zh' ? 0 : 1]}</span></td>
                  <td class="num">{e.hazardsFound}</td><td class="num">{e.workerReports}</td><td class="num">{pct(e.rectificationRate)}</td>
                  <td class={`num ${e.overdue ? 'bad' : ''}`}>{e.overdue}</td><td class={`num ${e.openMajors ? 'bad' : ''}`}>{e.openMajors}</td>
                  <td class="num">{e.alarmsRaised}</td><td class="num">{pct(e.sameDayDisposalRate)}</td><td class={`num ${e.findings ? 'bad' : ''}`}>{e.findings}</td><td class="num">{pct(e.devices.onlineRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {runs && runs.length > 0 && (
        <>
          <h2>{L(lang, '定时报表', 'Scheduled reports')}</h2>
          <table class="grid runs">
            <thead><tr><th>{L(lang, '报表', 'Report')}</th><th>{L(lang, '统计期', 'Period')}</th><th>{L(lang, '生成时间', 'Made')}</th><th>{L(lang, '送达', 'Deliveries')}</th><th>{L(lang, '下载', 'Files')}</th></tr></thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-run={r.id} class={r.status === 'failed' || r.status === 'error' ? 'bad' : ''}>
                  <td>{r.files[0]?.title.replace(/\.(xlsx|pdf)$/, '') ?? r.schedule}</td>
                  <td>{r.period.label}</td>
                  <td>{fmtTime(r.createdAt, lang)}</td>
                  <td>{r.deliveries.length === 0 ? '—' : r.deliveries.map((d: any) => <div key={d.target}>{d.target === 'email' ? L(lang, '邮件', 'email') : 'webhook'}: {d.status === 'delivered' ? L(lang, '已送达', 'delivered') : d.status === 'failed' ? L(lang, `失败（${d.attempts} 次，${d.lastError}）`, `failed (${d.attempts} tries, ${d.lastError})`) : L(lang, `重试中（${d.attempts} 次）`, `retrying (${d.attempts})`)}</div>)}</td>
                  <td>{r.files.map((f: any) => <button key={f.name} type="button" onClick={() => save(f.url)}>{f.format.toUpperCase()}</button>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
