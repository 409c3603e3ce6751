// Console text: zh-CN first, English on a switch (operators read Chinese; code and API are English).
export type Lang = 'zh' | 'en';

// the gateway's states and kinds, in the same words as its bulletin, exports and messages
export {
  ALARM_STATE_WORDS as STATE,
  HAZARD_CATEGORY_WORDS as HAZARD_CATEGORY,
  HAZARD_LEVEL_WORDS as HAZARD_LEVEL,
  HAZARD_SOURCE_WORDS as HAZARD_SOURCE,
  HAZARD_STATE_WORDS as HAZARD_STATE,
  RULE_FAMILY_WORDS as RULE_FAMILY,
  SEVERITY_WORDS as SEVERITY,
} from '../../../gateway/src/model/words.ts';
import { HAZARD_STATE_WORDS } from '../../../gateway/src/model/words.ts';

const TEXT = {
  title: { zh: '调度台', en: 'Dispatcher console' },
  connected: { zh: '实时连接', en: 'live' },
  disconnected: { zh: '连接中断，正在重连…', en: 'disconnected, reconnecting…' },
  openAlarms: { zh: '未关闭报警', en: 'Open alarms' },
  none: { zh: '暂无报警', en: 'No open alarms' },
  ack: { zh: '确认', en: 'Acknowledge' },
  shelve: { zh: '搁置', en: 'Shelve' },
  hazard: { zh: '转隐患', en: 'To hazard' },
  note: { zh: '处置说明', en: 'Note' },
  reason: { zh: '搁置原因', en: 'Reason' },
  hours: { zh: '搁置小时数', en: 'Hours' },
  submit: { zh: '提交', en: 'Submit' },
  cancel: { zh: '取消', en: 'Cancel' },
  dueIn: { zh: '剩余处置时间', en: 'Due in' },
  overdue: { zh: '已逾期', en: 'Overdue' },
  mute: { zh: '静音', en: 'Mute' },
  unmute: { zh: '声音', en: 'Sound' },
  token: { zh: '请输入令牌', en: 'Enter your token' },
  login: { zh: '进入', en: 'Enter' },
  linked: { zh: '已转隐患', en: 'Hazard' },
  trend: { zh: '报警趋势', en: 'Alarm trend' },
  retroactive: { zh: '补录（链路中断期间）', en: 'backfilled (raised during an outage)' },
  fromEdge: { zh: '来自边缘网关', en: 'from edge' },
} as const;

export type TextKey = keyof typeof TEXT;
export const t = (lang: Lang, key: TextKey): string => TEXT[key][lang];

export const hazardState = (s: string, lang: Lang): string => (HAZARD_STATE_WORDS as Record<string, { zh: string; en: string }>)[s]?.[lang] ?? s;

type Words = Record<string, { zh: string; en: string }>;
/** a word of one of the tables below, or the key itself */
export const word = (table: Words, key: string | null | undefined, lang: Lang): string => (key ? table[key]?.[lang] ?? key : '—');

export const REPORT_CHANNEL: Words = {
  app: { zh: '线上举手', en: 'Report page' },
  phone: { zh: '电话', en: 'Phone' },
  chat: { zh: '工作群', en: 'Chat group' },
  'in-person': { zh: '当面', en: 'In person' },
};

/** the workflow's steps as the buttons say them (seed 000: 隐患上报—现场核查—限期整改—结果反馈—奖励兑现—公示备案) */
export const HAZARD_ACTION: Words = {
  create: { zh: '上报', en: 'Reported' },
  verify: { zh: '受理核实', en: 'Verify' },
  confirm: { zh: '确认', en: 'Confirm' },
  reject: { zh: '驳回', en: 'Reject' },
  assign: { zh: '交办整改', en: 'Assign' },
  rectify: { zh: '整改完成', en: 'Rectified' },
  close: { zh: '验收销号', en: 'Close' },
  reward: { zh: '兑现奖励', en: 'Pay reward' },
  publish: { zh: '公示', en: 'Publish' },
  reopen: { zh: '回头看（重新打开）', en: 'Reopen' },
  extend: { zh: '延期', en: 'Extend' },
  photo: { zh: '上传照片', en: 'Photo' },
  sync: { zh: '同步', en: 'Sync' },
};

export const DECLARED: Words = {
  producing: { zh: '生产', en: 'Producing' },
  stopped: { zh: '停产', en: 'Stopped' },
  rectifying: { zh: '停产整顿', en: 'Rectifying' },
};

export const ROLE: Words = {
  worker: { zh: '职工', en: 'worker' },
  dispatcher: { zh: '调度员', en: 'dispatcher' },
  officer: { zh: '安全员', en: 'safety officer' },
  regulator: { zh: '监管', en: 'regulator' },
  admin: { zh: '管理员', en: 'admin' },
  system: { zh: '系统', en: 'system' },
};

export const L = (lang: Lang, zh: string, en: string): string => (lang === 'zh' ? zh : en);
