// The monthly bulletin (月通报) of a jurisdiction and the daily report (日报) of an enterprise
// (issue 15; seed 003: 周调度、月通报): the figures of /api/v1/stats, the enterprises needing
// attention, the major hazards and their state, the verification results, the days. Pure.
import type { Hazard } from '../hazards/types.ts';
import type { Verification } from '../inspection/inspection-service.ts';
import { HAZARD_SOURCE_WORDS, HAZARD_STATE_WORDS, RISK_COLOUR_WORDS, RULE_FAMILY_WORDS, SEVERITY_WORDS } from '../model/words.ts';
import type { StatsResult } from '../stats/stats-service.ts';
import type { Cell, CellFormat, Column, Report, Sheet } from './table.ts';
import { localTime } from './table.ts';

export const VERIFICATION_ZH = { open: '待核查', confirmed: '属实', 'not-confirmed': '不属实' } as const;
export const FINDING_ZH: Record<string, string> = { 'power.secret-operation': '明停暗开（用电）', 'power.fake-offline': '虚假离线', 'belt.running-while-stopped': '停产期间皮带运行', 'personnel.stopped-site': '停产期间井下有人', 'seal.opened-while-stopped': '停产期间电子封条打开' };

export interface BulletinInput {
  stats: StatsResult;
  /** the major hazards open at the period's end or found in it, in scope */
  majors: Hazard[];
  /** verification tasks created in the period, in scope */
  verifications: Verification[];
  enterpriseName: (id: string) => string;
  /** who the report is about: a jurisdiction's name or an enterprise's */
  scopeName: string;
  kind: 'monthly' | 'daily' | 'weekly';
  madeAt: number;
}

const ENTERPRISE_COLUMNS: Column[] = [
  { key: 'name', header: '企业', width: 22 },
  { key: 'risk', header: '风险等级', width: 14 },
  { key: 'hazardsFound', header: '隐患数', format: 'int' },
  { key: 'workerReports', header: '职工举报', format: 'int' },
  { key: 'rectificationRate', header: '整改率', format: 'percent' },
  { key: 'overdue', header: '逾期未整改', format: 'int' },
  { key: 'openMajors', header: '未销号重大隐患', format: 'int' },
  { key: 'alarmsRaised', header: '报警数', format: 'int' },
  { key: 'redAlarms', header: '红色报警', format: 'int' },
  { key: 'sameDayDisposalRate', header: '当日处置率', format: 'percent' },
  { key: 'findings', header: '明停暗开线索', format: 'int' },
  { key: 'onlineRate', header: '设备在线率', format: 'percent' },
];

/** What puts an enterprise on the attention list, in words (empty: none). */
export function attentionReasons(e: StatsResult['enterprises'][number]): string[] {
  const out: string[] = [];
  if (e.riskColour === 'red' || e.riskColour === 'orange') out.push(`风险${SEVERITY_WORDS[e.riskColour].zh}`);
  if (e.openMajors > 0) out.push(`重大隐患未销号 ${e.openMajors} 项`);
  if (e.overdue > 0) out.push(`逾期未整改 ${e.overdue} 项`);
  if (e.findings > 0) out.push(`明停暗开线索 ${e.findings} 条`);
  if (e.sameDayDisposalRate !== null && e.sameDayDisposalRate < 1) out.push(`当日处置率 ${(e.sameDayDisposalRate * 100).toFixed(1)}%`);
  if (e.devices.onlineRate !== null && e.devices.onlineRate < 0.9) out.push(`设备在线率 ${(e.devices.onlineRate * 100).toFixed(1)}%`);
  return out;
}

export function bulletin(i: BulletinInput): Report {
  const s = i.stats;
  const tz = s.period.timezone;
  const h = s.hazards;
  const a = s.alarms;
  const kindZh = i.kind === 'monthly' ? '月通报' : i.kind === 'weekly' ? '周报' : '日报';
  const summary: [string, Cell, CellFormat][] = [
    ['隐患总数', h.found, 'int'],
    ['职工举报', h.bySource.worker, 'int'],
    ['职工举报占比', h.workerShare, 'percent'],
    ['报警转隐患', h.bySource.alarm, 'int'],
    ['监管检查发现', h.bySource.inspection, 'int'],
    ['企业自查', h.bySource.self, 'int'],
    ['重大隐患', h.byLevel.major, 'int'],
    ['一般隐患', h.byLevel.general, 'int'],
    ['已整改', h.rectified, 'int'],
    ['整改率', h.rectificationRate, 'percent'],
    ['逾期未整改', h.overdue, 'int'],
    ['未销号重大隐患', h.openMajors, 'int'],
    ['平均整改用时（小时）', h.meanHoursToRectify, 'decimal'],
    ['奖励笔数', s.rewards.count, 'int'],
    ['奖励金额（元）', s.rewards.amount, 'money'],
    ['待兑付奖励', s.rewards.pending, 'int'],
    ['报警数', a.raised, 'int'],
    ['红色报警', a.bySeverity.red, 'int'],
    ['当日处置率', a.sameDayDisposalRate, 'percent'],
    ['平均确认用时（分钟）', a.meanMinutesToAck, 'decimal'],
    ['平均处置用时（分钟）', a.meanMinutesToDispose, 'decimal'],
    ['报警泛滥时段', a.floods.length, 'int'],
    ['明停暗开线索', s.inspection.findingsTotal, 'int'],
    ['核查任务', s.inspection.verifications.created, 'int'],
    ['核查属实', s.inspection.verifications.confirmed, 'int'],
    ['设备在线率', s.devices.onlineRate, 'percent'],
  ];
  const entRow = (e: StatsResult['enterprises'][number]): Record<string, Cell> => {
    const { devices, ...flat } = e;
    return { ...flat, name: e.name ?? e.id, risk: RISK_COLOUR_WORDS[e.riskColour].zh, onlineRate: devices.onlineRate };
  };
  const attention = s.enterprises.map((e) => ({ e, why: attentionReasons(e) })).filter((x) => x.why.length > 0);
  const sheets: Sheet[] = [
    { name: '需关注企业', title: '需关注企业', columns: [...ENTERPRISE_COLUMNS.slice(0, 2), { key: 'why', header: '原因', width: 40 }, ...ENTERPRISE_COLUMNS.slice(2)], rows: attention.map(({ e, why }) => ({ ...entRow(e), why: why.join('；') })) },
    { name: '重大隐患', title: '重大隐患及整改情况', columns: [
      { key: 'id', header: '编号', width: 16 },
      { key: 'enterprise', header: '企业', width: 20 },
      { key: 'title', header: '隐患', width: 30 },
      { key: 'source', header: '来源', width: 12 },
      { key: 'state', header: '状态', width: 10 },
      { key: 'reportedAt', header: '上报时间', format: 'time' },
      { key: 'deadline', header: '整改期限', format: 'time' },
      { key: 'overdue', header: '逾期', width: 6 },
    ], rows: i.majors.map((x) => ({ id: x.id, enterprise: i.enterpriseName(x.enterprise), title: x.title, source: HAZARD_SOURCE_WORDS[x.source].zh, state: HAZARD_STATE_WORDS[x.state].zh, reportedAt: x.reportedAt, deadline: x.rectification?.deadline ?? null, overdue: x.state === 'rectifying' && (x.rectification?.deadline ?? Infinity) < i.madeAt ? '是' : '' })) },
    { name: '核查结果', title: '线下核查结果', columns: [
      { key: 'enterprise', header: '企业', width: 20 },
      { key: 'finding', header: '线索', width: 30 },
      { key: 'inspectors', header: '核查人员', width: 14 },
      { key: 'dueBy', header: '核查期限', format: 'time' },
      { key: 'state', header: '结果', width: 8 },
      { key: 'note', header: '核查情况', width: 30 },
      { key: 'at', header: '核查时间', format: 'time' },
    ], rows: i.verifications.map((v) => ({ enterprise: i.enterpriseName(v.enterprise), finding: v.finding, inspectors: (v.inspectors ?? []).join('、'), dueBy: v.dueBy, state: VERIFICATION_ZH[v.state], note: v.result?.note ?? null, at: v.result?.at ?? null })) },
    { name: '企业排名', title: '企业排名（按风险等级）', columns: ENTERPRISE_COLUMNS, rows: s.enterprises.map(entRow) },
    { name: '报警分类', title: '报警分类统计', columns: [
      { key: 'family', header: '类别', width: 16 },
      { key: 'count', header: '报警数', format: 'int' },
    ], rows: Object.entries(a.byFamily).sort((x, y) => y[1] - x[1]).map(([f, n]) => ({ family: RULE_FAMILY_WORDS[f]?.zh ?? f, count: n })) },
    { name: '明停暗开', title: '明停暗开、虚假离线线索', columns: [
      { key: 'kind', header: '线索类别', width: 20 },
      { key: 'count', header: '条数', format: 'int' },
    ], rows: Object.entries(s.inspection.findings).map(([k, n]) => ({ kind: FINDING_ZH[k] ?? k, count: n })) },
    { name: '每日趋势', title: '每日情况', columns: [
      { key: 'day', header: '日期', width: 12 },
      { key: 'hazardsFound', header: '隐患', format: 'int' },
      { key: 'workerReports', header: '职工举报', format: 'int' },
      { key: 'rectified', header: '整改完成', format: 'int' },
      { key: 'alarmsRaised', header: '报警', format: 'int' },
      { key: 'redAlarms', header: '红色报警', format: 'int' },
      { key: 'sameDayDisposed', header: '当日处置', format: 'int' },
    ], rows: s.trend },
  ];
  return {
    title: `${i.scopeName}安全生产${kindZh}（${periodZh(s.period.label, i.kind)}）`,
    subtitle: [`范围：${i.scopeName}（${s.scope.enterprises.length} 家企业）`, `统计期：${s.trend[0]?.day ?? ''} 至 ${s.trend.at(-1)?.day ?? ''}`, `生成时间：${localTime(i.madeAt, tz)}`],
    summary,
    sheets,
    timezone: tz,
  };
}

function periodZh(label: string, kind: BulletinInput['kind']): string {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(label);
  if (!m) return label;
  if (kind === 'monthly' || !m[3]) return `${m[1]}年${Number(m[2])}月`;
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}
