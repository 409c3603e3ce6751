// Enterprise risk colour for the regulator's online-inspection board (DOMAIN.md §9 [D]).
// Pure: no I/O, no clock (time only via `now`), deterministic for a given input.
// Every point of the score is one reason line (zh first); the reasons sum to the score.
// Weights, caps and thresholds live in RISK_WEIGHTS; rule grouping in RISK_RULE_GROUPS.
// See README.md in this folder for the documented default scoring.
import { OPEN_STATES as ALARM_OPEN_STATES, type Alarm } from '../alarms/types.ts';
import { OPEN_STATES as HAZARD_OPEN_STATES, type Hazard, type HazardState } from '../hazards/types.ts';
import type { DeclaredStatus } from '../model/assets.ts';
import type { Severity } from '../model/vocabulary.ts';

export type RiskColour = 'red' | 'orange' | 'yellow' | 'blue';

/** points per item, and the most one reason line can add (null: no cap) */
export interface RiskWeight {
  points: number;
  cap: number | null;
}

export interface RiskWeights {
  /** open alarms not scored by a finding group below, by severity (DOMAIN §8) */
  alarms: Record<Severity, RiskWeight>;
  /** 明停暗开 alarms (DOMAIN §5, §6) */
  secretOperation: RiskWeight;
  /** 虚假离线 alarms (DOMAIN §6) */
  fakeOffline: RiskWeight;
  /** 超能力 alarms (DOMAIN §5) */
  overCapacity: RiskWeight;
  /** data.* alarms: flat-line, counter backwards, replay (DOMAIN §6 data integrity) */
  dataIntegrity: RiskWeight;
  /** open major hazards confirmed by the check (DOMAIN §7) */
  majorHazard: RiskWeight;
  /** open hazards past their rectification deadline (flags.overdueRectification) */
  overdueRectification: RiskWeight;
  /** reporter feedback later than 10 days after the check (flags.feedbackLate) */
  feedbackLate: RiskWeight;
  /** case not closed within 60 (+30) days (flags.caseLate) */
  caseLate: RiskWeight;
  /** on-site acceptance not done within 10 days after the deadline (flags.acceptanceLate) */
  acceptanceLate: RiskWeight;
  /** on-site verifications that confirmed the finding, within the window */
  confirmedVerification: RiskWeight;
  verificationWindowDays: number;
  /** monitoring devices offline: share strictly above `shareAbove` adds `points` once */
  devicesOffline: { shareAbove: number; points: number };
  /** score ≥ red → red, ≥ orange → orange, ≥ yellow → yellow, else blue */
  thresholds: { red: number; orange: number; yellow: number };
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** The default weights [D] (README.md, DOMAIN §9). One table, so it can be configured later. */
export const RISK_WEIGHTS: Readonly<RiskWeights> = deepFreeze({
  alarms: {
    red: { points: 20, cap: 60 },
    orange: { points: 8, cap: 40 },
    yellow: { points: 3, cap: 15 },
    blue: { points: 1, cap: 5 },
  },
  secretOperation: { points: 40, cap: 80 },
  fakeOffline: { points: 40, cap: 80 },
  overCapacity: { points: 40, cap: 80 },
  dataIntegrity: { points: 10, cap: 30 },
  majorHazard: { points: 30, cap: 90 },
  overdueRectification: { points: 25, cap: 75 },
  feedbackLate: { points: 10, cap: 30 },
  caseLate: { points: 10, cap: 30 },
  acceptanceLate: { points: 10, cap: 30 },
  confirmedVerification: { points: 30, cap: 90 },
  verificationWindowDays: 90,
  devicesOffline: { shareAbove: 0.2, points: 15 },
  thresholds: { red: 60, orange: 30, yellow: 10 },
});

/** Which rule ids feed which finding group (CONTRACT §6 built-in ids). Other alarms score by severity. */
export const RISK_RULE_GROUPS = deepFreeze({
  /** 明停暗开: power while declared stopped (§6), belt running while declared stopped (§5) */
  secretOperation: ['power.secret-operation', 'belt.running-while-stopped', 'seal.opened-while-stopped'] as readonly string[],
  fakeOffline: ['power.fake-offline'] as readonly string[],
  overCapacity: ['belt.over-capacity-day', 'belt.over-capacity-month'] as readonly string[],
  /** any rule id with this prefix */
  dataIntegrityPrefix: 'data.',
  /** not scored per alarm: represented once by the devices-offline share */
  deviceOffline: ['device.offline'] as readonly string[],
});

/** Hazard states in which a major hazard counts: confirmed by the on-site check, not yet closed. */
export const MAJOR_COUNTED_STATES: readonly HazardState[] = ['confirmed', 'rectifying', 'rectified'];

export interface Verification {
  result: 'confirmed' | 'not-confirmed' | 'pending';
  finding: string;
  /** epoch ms of the result (or of the task while pending) */
  at: number;
}

export interface RiskInput {
  enterprise: { id: string; declaredStatus: DeclaredStatus };
  /** open alarms of this enterprise (others, and closed ones, are ignored) */
  openAlarms: readonly Alarm[];
  /** open hazards of this enterprise with flags computed at `now` (others are ignored) */
  hazards: readonly Hazard[];
  /** verifications of the last 90 days (older ones are ignored) */
  verifications: readonly Verification[];
  devices: { total: number; offline: number };
  /** epoch ms */
  now: number;
}

export type RiskReasonKey =
  | 'secret-operation'
  | 'fake-offline'
  | 'over-capacity'
  | 'alarms.red'
  | 'alarms.orange'
  | 'alarms.yellow'
  | 'alarms.blue'
  | 'data-integrity'
  | 'hazards.major'
  | 'hazards.overdue-rectification'
  | 'hazards.feedback-late'
  | 'hazards.case-late'
  | 'hazards.acceptance-late'
  | 'verifications.confirmed'
  | 'devices.offline'
  | 'override.secret-operation'
  | 'override.fake-offline'
  | 'override.overdue-major-hazard';

export interface RiskReason {
  /** points this line adds to the score; override lines add 0 and only raise the colour */
  points: number;
  zh: string;
  en: string;
  /** where the rule comes from (DOMAIN.md section) */
  ref?: string;
  /** stable machine key of the line (additive to the brief's shape) */
  key: RiskReasonKey;
}

export interface RiskResult {
  colour: RiskColour;
  score: number;
  reasons: RiskReason[];
}

const COLOUR_RANK: Record<RiskColour, number> = { blue: 0, yellow: 1, orange: 2, red: 3 };
const COLOUR_ZH: Record<RiskColour, string> = { red: '红色', orange: '橙色', yellow: '黄色', blue: '蓝色' };
const STATUS_ZH: Record<DeclaredStatus, string> = { producing: '生产', stopped: '停产', rectifying: '停产整顿' };
const DAY_MS = 86_400_000;

/** The colour band of a score alone (no overriding rules). */
export function colourForScore(score: number, weights: Readonly<RiskWeights> = RISK_WEIGHTS): RiskColour {
  const t = weights.thresholds;
  if (score >= t.red) return 'red';
  if (score >= t.orange) return 'orange';
  if (score >= t.yellow) return 'yellow';
  return 'blue';
}

/** n × w, capped; the text states the cap when it bites. */
function countLine(
  key: RiskReasonKey,
  n: number,
  w: RiskWeight,
  zhLabel: string,
  zhUnit: string,
  enLabel: (n: number) => string,
  ref: string,
  zhNote = '',
  enNote = '',
): RiskReason | null {
  if (n <= 0) return null;
  const raw = n * w.points;
  const points = w.cap === null ? raw : Math.min(raw, w.cap);
  if (points === 0) return null;
  const capped = points < raw;
  const zh = `${zhLabel} ${n} ${zhUnit} × ${w.points} = ${raw}${capped ? `，封顶 ${points}` : ''}${zhNote}`;
  const en = `${enLabel(n)} × ${w.points} = ${raw}${capped ? `, capped at ${points}` : ''}${enNote}`;
  return { points, zh, en, ref, key };
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
const pct = (x: number): string => `${Math.round(x * 1000) / 10} %`;

/**
 * The risk colour of one enterprise: score = sum of the reason lines; colour = the band of the
 * score, raised by the overriding rules (never lowered). Deterministic; no I/O; time only via `now`.
 */
export function computeRisk(input: RiskInput, weights: Readonly<RiskWeights> = RISK_WEIGHTS): RiskResult {
  if (!Number.isFinite(input.now)) throw new TypeError('computeRisk: `now` must be a finite epoch-ms number');
  const ent = input.enterprise.id;
  const g = RISK_RULE_GROUPS;

  // ---- alarms: each open alarm counts once, in exactly one group ----
  const alarms = input.openAlarms.filter((a) => a.enterprise === ent && ALARM_OPEN_STATES.includes(a.state));
  const secret = alarms.filter((a) => g.secretOperation.includes(a.rule));
  const fake = alarms.filter((a) => g.fakeOffline.includes(a.rule));
  const overCap = alarms.filter((a) => g.overCapacity.includes(a.rule));
  const data = alarms.filter((a) => a.rule.startsWith(g.dataIntegrityPrefix));
  const rest = alarms.filter(
    (a) =>
      !g.secretOperation.includes(a.rule) &&
      !g.fakeOffline.includes(a.rule) &&
      !g.overCapacity.includes(a.rule) &&
      !a.rule.startsWith(g.dataIntegrityPrefix) &&
      !g.deviceOffline.includes(a.rule),
  );
  const bySeverity = (s: Severity): number => rest.filter((a) => a.severity === s).length;

  // ---- hazards ----
  const hazards = input.hazards.filter((h) => h.enterprise === ent && HAZARD_OPEN_STATES.includes(h.state));
  const major = hazards.filter((h) => h.level === 'major' && MAJOR_COUNTED_STATES.includes(h.state));
  const overdue = hazards.filter((h) => h.flags.overdueRectification);
  const overdueMajor = overdue.filter((h) => h.level === 'major');

  // ---- verifications: confirmed within the window (not older than N days; clock skew tolerated) ----
  const windowMs = weights.verificationWindowDays * DAY_MS;
  const confirmed = input.verifications
    .filter((v) => v.result === 'confirmed' && input.now - v.at <= windowMs)
    .slice()
    .sort((a, b) => a.at - b.at || (a.finding < b.finding ? -1 : a.finding > b.finding ? 1 : 0));

  const stoppedNoteZh = input.enterprise.declaredStatus !== 'producing' ? `（申报状态：${STATUS_ZH[input.enterprise.declaredStatus]}）` : '';
  const stoppedNoteEn = input.enterprise.declaredStatus !== 'producing' ? ` (declared ${input.enterprise.declaredStatus})` : '';

  const lines: (RiskReason | null)[] = [
    countLine('secret-operation', secret.length, weights.secretOperation, '明停暗开报警', '条', (n) => plural(n, 'secret-operation (明停暗开) alarm', 'secret-operation (明停暗开) alarms'), 'DOMAIN §5, §6', stoppedNoteZh, stoppedNoteEn),
    countLine('fake-offline', fake.length, weights.fakeOffline, '虚假离线报警', '条', (n) => plural(n, 'fake-offline (虚假离线) alarm', 'fake-offline (虚假离线) alarms'), 'DOMAIN §6'),
    countLine('over-capacity', overCap.length, weights.overCapacity, '超能力生产报警', '条', (n) => plural(n, 'over-capacity (超能力) alarm', 'over-capacity (超能力) alarms'), 'DOMAIN §5'),
    countLine('alarms.red', bySeverity('red'), weights.alarms.red, '红色报警', '条', (n) => plural(n, 'red alarm', 'red alarms'), 'DOMAIN §8'),
    countLine('alarms.orange', bySeverity('orange'), weights.alarms.orange, '橙色报警', '条', (n) => plural(n, 'orange alarm', 'orange alarms'), 'DOMAIN §8'),
    countLine('alarms.yellow', bySeverity('yellow'), weights.alarms.yellow, '黄色报警', '条', (n) => plural(n, 'yellow alarm', 'yellow alarms'), 'DOMAIN §8'),
    countLine('alarms.blue', bySeverity('blue'), weights.alarms.blue, '蓝色报警', '条', (n) => plural(n, 'blue alarm', 'blue alarms'), 'DOMAIN §8'),
    countLine('data-integrity', data.length, weights.dataIntegrity, '数据真实性报警（停滞/计数倒退/重放）', '条', (n) => plural(n, 'data-integrity alarm (flat-line / counter backwards / replay)', 'data-integrity alarms (flat-line / counter backwards / replay)'), 'DOMAIN §6'),
    countLine('hazards.major', major.length, weights.majorHazard, '未销号重大事故隐患', '项', (n) => plural(n, 'open major hazard', 'open major hazards'), 'DOMAIN §7'),
    countLine('hazards.overdue-rectification', overdue.length, weights.overdueRectification, '隐患逾期未整改', '项', (n) => plural(n, 'hazard overdue for rectification', 'hazards overdue for rectification'), 'DOMAIN §7'),
    countLine('hazards.feedback-late', hazards.filter((h) => h.flags.feedbackLate).length, weights.feedbackLate, '隐患结果反馈超期（核查后 10 日）', '项', (n) => plural(n, 'hazard with late reporter feedback (10 days after the check)', 'hazards with late reporter feedback (10 days after the check)'), 'DOMAIN §7'),
    countLine('hazards.case-late', hazards.filter((h) => h.flags.caseLate).length, weights.caseLate, '隐患办结超期（60 日，延期 +30 日）', '项', (n) => plural(n, 'hazard case past its 60 (+30) day limit', 'hazard cases past their 60 (+30) day limit'), 'DOMAIN §7'),
    countLine('hazards.acceptance-late', hazards.filter((h) => h.flags.acceptanceLate).length, weights.acceptanceLate, '隐患整改验收超期（期限后 10 日）', '项', (n) => plural(n, 'hazard with late on-site acceptance (10 days after the deadline)', 'hazards with late on-site acceptance (10 days after the deadline)'), 'DOMAIN §7'),
    countLine('verifications.confirmed', confirmed.length, weights.confirmedVerification, `近 ${weights.verificationWindowDays} 天线下核查属实`, '次', (n) => `${plural(n, 'on-site verification', 'on-site verifications')} confirmed in the last ${weights.verificationWindowDays} days`, 'DOMAIN §0, §9',
      confirmed.length ? `（${confirmed.map((v) => v.finding).join('；')}）` : '',
      confirmed.length ? ` (${confirmed.map((v) => v.finding).join('; ')})` : ''),
    devicesLine(input.devices, weights),
  ];
  const reasons = lines.filter((r): r is RiskReason => r !== null);
  const score = reasons.reduce((s, r) => s + r.points, 0);

  // ---- overriding rules: raise the colour, never lower it; 0 points each ----
  let colour = colourForScore(score, weights);
  const band = colour;
  const raise = (to: RiskColour, key: RiskReasonKey, zh: string, en: string, ref: string): void => {
    const lifts = COLOUR_RANK[to] > COLOUR_RANK[colour];
    if (lifts) colour = to;
    const zhTail = COLOUR_RANK[to] > COLOUR_RANK[band] ? `（得分 ${score} 对应${COLOUR_ZH[band]}）` : '';
    const enTail = COLOUR_RANK[to] > COLOUR_RANK[band] ? ` (score ${score} alone is ${band})` : '';
    reasons.push({ points: 0, zh: `${zh} → 至少${COLOUR_ZH[to]}${zhTail}`, en: `${en} → at least ${to}${enTail}`, ref, key });
  };
  const secretRed = secret.filter((a) => a.severity === 'red').length;
  if (secretRed > 0) raise('red', 'override.secret-operation', `明停暗开红色报警 ${secretRed} 条未消除`, `${plural(secretRed, 'open red secret-operation (明停暗开) alarm', 'open red secret-operation (明停暗开) alarms')}`, 'DOMAIN §5, §6');
  const fakeRed = fake.filter((a) => a.severity === 'red').length;
  if (fakeRed > 0) raise('red', 'override.fake-offline', `虚假离线红色报警 ${fakeRed} 条未消除`, `${plural(fakeRed, 'open red fake-offline (虚假离线) alarm', 'open red fake-offline (虚假离线) alarms')}`, 'DOMAIN §6');
  if (overdueMajor.length > 0) raise('red', 'override.overdue-major-hazard', `重大事故隐患逾期未整改 ${overdueMajor.length} 项`, `${plural(overdueMajor.length, 'major hazard', 'major hazards')} overdue for rectification`, 'DOMAIN §7');

  return { colour, score, reasons };
}

function devicesLine(d: RiskInput['devices'], weights: Readonly<RiskWeights>): RiskReason | null {
  const w = weights.devicesOffline;
  if (!(d.total > 0) || !(d.offline > 0)) return null;
  const share = d.offline / d.total;
  if (!(share > w.shareAbove) || w.points === 0) return null;
  return {
    points: w.points,
    zh: `监测设备离线 ${d.offline}/${d.total} = ${pct(share)} > ${pct(w.shareAbove)} → ${w.points}`,
    en: `monitoring devices offline ${d.offline}/${d.total} = ${pct(share)} > ${pct(w.shareAbove)} → ${w.points}`,
    ref: 'DOMAIN §2, §6',
    key: 'devices.offline',
  };
}
