// The violation catalogue of AI video analytics (issue 17, DOMAIN.md §10): the kinds of violation
// a camera box or an NVR's analytics report as device events (CONTRACT §3.3, `camera` devices),
// with their Chinese and English names and default severities. Seed 001 names 16 kinds caught with
// zero-delay alarms (脱岗睡岗、装卸区人员爬罐、特殊作业监护人缺失等16种违规行为); the ids are stable
// (CONTRACT §11). Severities are our choice [D] where no standard fixes them (DOMAIN.md §10).
import type { Severity, Text } from './types.ts';

export interface ViolationType {
  id: string;
  name: Text;
  severity: Severity;
}

export const VIOLATIONS: readonly ViolationType[] = [
  { id: 'helmet_missing', name: { zh: '未戴安全帽', en: 'No hard hat' }, severity: 'yellow' },
  { id: 'workwear_missing', name: { zh: '未穿工作服', en: 'No work clothes' }, severity: 'blue' },
  { id: 'off_post', name: { zh: '脱岗', en: 'Off post' }, severity: 'orange' },
  { id: 'sleeping_on_duty', name: { zh: '睡岗', en: 'Asleep on duty' }, severity: 'orange' },
  { id: 'phone_use', name: { zh: '玩手机', en: 'Phone use on duty' }, severity: 'yellow' },
  { id: 'smoking', name: { zh: '吸烟', en: 'Smoking' }, severity: 'orange' },
  { id: 'fire_smoke', name: { zh: '明火/烟雾', en: 'Open flame or smoke' }, severity: 'red' },
  { id: 'hot_work', name: { zh: '违规动火', en: 'Unauthorised hot work' }, severity: 'red' },
  { id: 'intrusion', name: { zh: '人员闯入危险区域', en: 'Person in a danger area' }, severity: 'orange' },
  { id: 'guardian_missing', name: { zh: '受限空间监护人缺失', en: 'Confined-space attendant missing' }, severity: 'red' },
  { id: 'climbing', name: { zh: '爬罐/攀爬', en: 'Climbing a tank or structure' }, severity: 'orange' },
  { id: 'belt_crossing', name: { zh: '皮带跨越', en: 'Crossing a running belt' }, severity: 'orange' },
  { id: 'vehicle_speeding', name: { zh: '车辆超速', en: 'Vehicle speeding' }, severity: 'yellow' },
  { id: 'crowding', name: { zh: '人员聚集', en: 'Crowding' }, severity: 'yellow' },
  { id: 'harness_missing', name: { zh: '未系安全带', en: 'No safety harness at height' }, severity: 'orange' },
];

export const VIOLATION_BY_ID: ReadonlyMap<string, ViolationType> = new Map(VIOLATIONS.map((v) => [v.id, v]));

/** A type the catalogue does not know: passed through as a generic violation, under its own type. */
export const OTHER_VIOLATION: Text = { zh: '其他违规行为', en: 'Other violation' };
