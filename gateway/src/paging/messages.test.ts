import { describe, expect, it } from 'vitest';
import type { Alarm } from '../alarms/types.ts';
import { alarmMessage } from './messages.ts';

const names = { enterprise: (e: string) => (e === 'ent-a' ? '示例矿业' : e), place: (_e: string, site?: string | null) => (site === 's1' ? '一号井' : '') };
const alarm = (over: Partial<Alarm>) => ({ id: 'al_1', rule: 'gas.lel', severity: 'red', enterprise: 'ent-a', site: 's1', zone: null, device: null, message: '可燃气体浓度 52 %LEL ≥ 二级报警 40 %LEL', value: 52, peak: 52, raisedAt: Date.parse('2026-12-04T01:30:00Z'), ...over }) as Alarm;

describe('messages to persons', () => {
  it('a red alarm: its severity, place, message and value, and where to acknowledge it', () => {
    const m = alarmMessage(alarm({}), 0, 0, names as never, 'Asia/Shanghai');
    expect(m.subject).toBe('【红色报警】示例矿业 一号井 可燃气体浓度 52 %LEL ≥ 二级报警 40 %LEL 52');
    expect(m.text).toContain('请登录调度台确认并处置');
  });

  it('an accident report is a direct report (事故直报) to be signed for in the regulator\'s console, without the deaths count as a value', () => {
    const msg = '生产安全事故（亡人）直报：-240 中段 301 采场，死亡 1 人、受伤 2 人（发生于 12-04 09:20），待监管部门签收';
    const m = alarmMessage(alarm({ rule: 'accident.reported', message: msg, value: 1, peak: 1 }), 0, 0, names as never, 'Asia/Shanghai');
    expect(m.subject).toBe(`【事故直报】示例矿业 一号井 ${msg}`);
    expect(m.text).toContain('请登录监管端「事故·复工·特殊时期」签收');
    expect(alarmMessage(alarm({ rule: 'accident.direct-report-overdue', message: '亡人事故未在30分钟内直报至监管部门' }), 1, 10, names as never, 'Asia/Shanghai').subject).toBe('【事故直报超时·10分钟未签收】示例矿业 一号井 亡人事故未在30分钟内直报至监管部门');
  });
});
