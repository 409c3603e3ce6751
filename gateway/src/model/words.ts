// The words for the gateway's states and kinds, zh-CN and English, in one place: the consoles
// (dashboards/web/src/i18n.ts re-exports them), the bulletin and the ledger exports, and the
// messages to persons say the same thing for the same state. Pure data without imports (the
// consoles' build takes it as it is); words.test.ts checks every state and kind has its words.

export interface Word {
  zh: string;
  en: string;
}

export type Words = Record<string, Word>;

export const SEVERITY_WORDS: Words = {
  red: { zh: '红色', en: 'Red' },
  orange: { zh: '橙色', en: 'Orange' },
  yellow: { zh: '黄色', en: 'Yellow' },
  blue: { zh: '蓝色', en: 'Blue' },
};

export const ALARM_STATE_WORDS: Words = {
  active_unacked: { zh: '未确认', en: 'Unacknowledged' },
  active_acked: { zh: '已确认', en: 'Acknowledged' },
  cleared_unacked: { zh: '已恢复未确认', en: 'Cleared, unacknowledged' },
  shelved: { zh: '已搁置', en: 'Shelved' },
  suppressed: { zh: '已抑制', en: 'Suppressed' },
  normal: { zh: '已关闭', en: 'Closed' },
};

export const HAZARD_STATE_WORDS: Words = {
  reported: { zh: '已上报', en: 'Reported' },
  verifying: { zh: '现场核查中', en: 'Being checked' },
  confirmed: { zh: '已确认', en: 'Confirmed' },
  rejected: { zh: '未予认定', en: 'Rejected' },
  rectifying: { zh: '限期整改中', en: 'Being rectified' },
  rectified: { zh: '已整改待验收', en: 'Rectified' },
  closed: { zh: '已销号', en: 'Closed' },
  rewarded: { zh: '已奖励', en: 'Rewarded' },
  published: { zh: '已公示', en: 'Published' },
};

export const HAZARD_SOURCE_WORDS: Words = {
  worker: { zh: '职工举报', en: 'Worker report' },
  alarm: { zh: '报警转入', en: 'From an alarm' },
  inspection: { zh: '监管检查', en: 'Inspection' },
  self: { zh: '企业自查', en: 'Self-inspection' },
};

export const HAZARD_LEVEL_WORDS: Words = {
  general: { zh: '一般隐患', en: 'General' },
  major: { zh: '重大隐患', en: 'Major' },
};

export const HAZARD_CATEGORY_WORDS: Words = {
  static: { zh: '静态', en: 'Static' },
  dynamic: { zh: '动态', en: 'Dynamic' },
};

/** rule families: the part of a rule id before the first dot */
export const RULE_FAMILY_WORDS: Record<string, Word> = {
  gas: { zh: '有毒有害气体', en: 'Gas' },
  slope: { zh: '边坡', en: 'Slope' },
  personnel: { zh: '人员定位', en: 'Personnel' },
  belt: { zh: '皮带', en: 'Belt' },
  power: { zh: '电力', en: 'Power' },
  device: { zh: '设备', en: 'Device' },
  data: { zh: '数据质量', en: 'Data quality' },
  hazard: { zh: '隐患', en: 'Hazard' },
  uplink: { zh: '上联', en: 'Uplink' },
  event: { zh: '设备事件', en: 'Device events' },
};

/** the enterprise risk colours (DOMAIN.md §9) */
export const RISK_COLOUR_WORDS: Words = {
  red: { zh: '红（重大风险）', en: 'red (major risk)' },
  orange: { zh: '橙（较大风险）', en: 'orange (high risk)' },
  yellow: { zh: '黄（一般风险）', en: 'yellow (moderate risk)' },
  blue: { zh: '蓝（低风险）', en: 'blue (low risk)' },
};
