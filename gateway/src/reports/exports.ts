// The ledgers as tables (issue 15: 台账导出): hazards, alarms, rewards and verifications, for any
// filter the consoles show. Never the reporter's name, phone, id or report code (CONTRACT §8):
// a file leaves the system, so it carries at most the public alias.
import type { Alarm } from '../alarms/types.ts';
import type { AlarmDisposal } from '../records/disposal-records.ts';
import type { Hazard } from '../hazards/types.ts';
import type { Verification } from '../inspection/inspection-service.ts';
import { ALARM_STATE_WORDS, HAZARD_CATEGORY_WORDS, HAZARD_LEVEL_WORDS, HAZARD_SOURCE_WORDS, HAZARD_STATE_WORDS, RULE_FAMILY_WORDS, SEVERITY_WORDS } from '../model/words.ts';
import { VERIFICATION_ZH } from './bulletin.ts';
import type { Sheet } from './table.ts';
import type { AssetNames } from '../model/asset-names.ts';

export const EXPORT_KINDS = ['hazards', 'alarms', 'rewards', 'verifications'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

type Names = AssetNames;


export function hazardSheet(list: Hazard[], n: Names): Sheet {
  return {
    name: '隐患台账',
    title: '隐患台账',
    columns: [
      { key: 'id', header: '编号', width: 16 },
      { key: 'enterprise', header: '企业', width: 20 },
      { key: 'site', header: '场所', width: 14 },
      { key: 'zone', header: '区域', width: 14 },
      { key: 'title', header: '隐患', width: 30 },
      { key: 'source', header: '来源', width: 12 },
      { key: 'level', header: '等级', width: 8 },
      { key: 'category', header: '类别', width: 8 },
      { key: 'state', header: '状态', width: 10 },
      { key: 'reporter', header: '举报人', width: 12 },
      { key: 'reportedAt', header: '上报时间', format: 'time' },
      { key: 'owner', header: '整改责任人', width: 12 },
      { key: 'measures', header: '整改措施', width: 30 },
      { key: 'funds', header: '资金（元）', format: 'money' },
      { key: 'deadline', header: '整改期限', format: 'time' },
      { key: 'rectifiedAt', header: '整改完成', format: 'time' },
      { key: 'closedAt', header: '销号时间', format: 'time' },
      { key: 'overdue', header: '逾期', width: 6 },
      { key: 'reward', header: '奖励（元）', format: 'money' },
    ],
    rows: list.map((h) => ({
      id: h.id,
      enterprise: n.enterprise(h.enterprise),
      site: n.site(h.enterprise, h.site),
      zone: n.zone(h.enterprise, h.site, h.zone),
      title: h.title,
      source: HAZARD_SOURCE_WORDS[h.source].zh,
      level: HAZARD_LEVEL_WORDS[h.level].zh,
      category: HAZARD_CATEGORY_WORDS[h.category].zh,
      state: HAZARD_STATE_WORDS[h.state].zh,
      // the public alias at most (职工 刘* / 匿名), never the name
      reporter: h.source === 'worker' ? (h.reporterAlias ?? '匿名') : null,
      reportedAt: h.reportedAt,
      owner: h.rectification?.owner ?? null,
      measures: h.rectification?.measures ?? null,
      funds: h.rectification?.funds ?? null,
      deadline: h.rectification?.deadline ?? null,
      rectifiedAt: h.rectifiedAt ?? null,
      closedAt: h.closedAt ?? null,
      overdue: h.flags?.overdueRectification ? '是' : '',
      reward: h.reward?.amount ?? null,
    })),
  };
}

export function alarmSheet(list: Alarm[], disposals: Map<string, AlarmDisposal>, n: Names): Sheet {
  return {
    name: '报警台账',
    title: '报警台账',
    columns: [
      { key: 'id', header: '编号', width: 16 },
      { key: 'raisedAt', header: '报警时间', format: 'time' },
      { key: 'severity', header: '级别', width: 6 },
      { key: 'family', header: '类别', width: 12 },
      { key: 'rule', header: '规则', width: 24 },
      { key: 'enterprise', header: '企业', width: 20 },
      { key: 'site', header: '场所', width: 14 },
      { key: 'place', header: '区域/设备', width: 18 },
      { key: 'message', header: '内容', width: 36 },
      { key: 'peak', header: '峰值', format: 'decimal' },
      { key: 'state', header: '状态', width: 12 },
      { key: 'ackedAt', header: '确认时间', format: 'time' },
      { key: 'ackedBy', header: '确认人', width: 10 },
      { key: 'cause', header: '原因', width: 16 },
      { key: 'measures', header: '处置措施', width: 24 },
      { key: 'result', header: '处置结果', width: 16 },
      { key: 'disposedBy', header: '处置人', width: 10 },
      { key: 'disposedAt', header: '处置时间', format: 'time' },
      { key: 'sameDay', header: '当日处置', width: 8 },
    ],
    rows: list.map((a) => {
      const d = disposals.get(a.id);
      return {
        id: a.id,
        raisedAt: a.raisedAt,
        severity: SEVERITY_WORDS[a.severity].zh,
        family: RULE_FAMILY_WORDS[a.rule.split('.')[0]]?.zh ?? a.rule.split('.')[0],
        rule: a.rule,
        enterprise: n.enterprise(a.enterprise),
        site: n.site(a.enterprise, a.site),
        place: a.device ? n.device(a.enterprise, a.site, a.device) : n.zone(a.enterprise, a.site, a.zone),
        message: a.message,
        peak: a.peak ?? a.value ?? null,
        state: ALARM_STATE_WORDS[a.state].zh,
        ackedAt: a.ackedAt ?? null,
        ackedBy: a.ackedBy ?? null,
        cause: d?.cause ?? null,
        measures: d?.measures ?? null,
        result: d?.result ?? null,
        disposedBy: d?.disposedBy ?? null,
        disposedAt: d?.disposedAt ?? null,
        sameDay: d ? (d.disposedAt <= a.dueBy ? '是' : '否') : '',
      };
    }),
  };
}

/** Rewards paid: the hazard and the amount; the reporter stays out (the officer pays through the report code). */
export function rewardSheet(list: Hazard[], n: Names): Sheet {
  return {
    name: '奖励台账',
    title: '举报奖励台账',
    columns: [
      { key: 'id', header: '隐患编号', width: 16 },
      { key: 'enterprise', header: '企业', width: 20 },
      { key: 'title', header: '隐患', width: 30 },
      { key: 'level', header: '等级', width: 8 },
      { key: 'tier', header: '档次', format: 'int' },
      { key: 'outsideDuties', header: '岗位职责外', width: 10 },
      { key: 'amount', header: '金额（元）', format: 'money' },
      { key: 'paidBy', header: '兑付人', width: 12 },
      { key: 'paidAt', header: '兑付时间', format: 'time' },
    ],
    rows: list
      .filter((h) => h.reward)
      .map((h) => ({ id: h.id, enterprise: n.enterprise(h.enterprise), title: h.title, level: HAZARD_LEVEL_WORDS[h.level].zh, tier: h.reward!.tier, outsideDuties: h.reward!.outsideDuties ? '是' : '', amount: h.reward!.amount, paidBy: h.reward!.paidBy ?? null, paidAt: h.reward!.paidAt ?? h.rewardedAt ?? null })),
  };
}

export function verificationSheet(list: Verification[], n: Names): Sheet {
  return {
    name: '核查台账',
    title: '线下核查台账',
    columns: [
      { key: 'id', header: '编号', width: 16 },
      { key: 'enterprise', header: '企业', width: 20 },
      { key: 'finding', header: '线索', width: 30 },
      { key: 'createdBy', header: '派发人', width: 12 },
      { key: 'createdAt', header: '派发时间', format: 'time' },
      { key: 'inspectors', header: '核查人员', width: 14 },
      { key: 'dueBy', header: '核查期限', format: 'time' },
      { key: 'state', header: '结果', width: 8 },
      { key: 'note', header: '核查情况', width: 30 },
      { key: 'by', header: '记录人', width: 12 },
      { key: 'at', header: '核查时间', format: 'time' },
      { key: 'hazardId', header: '形成隐患', width: 16 },
    ],
    rows: list.map((v) => ({ id: v.id, enterprise: n.enterprise(v.enterprise), finding: v.finding, createdBy: v.createdBy, createdAt: v.createdAt, inspectors: (v.inspectors ?? []).join('、'), dueBy: v.dueBy, state: VERIFICATION_ZH[v.state], note: v.result?.note ?? null, by: v.result?.by ?? null, at: v.result?.at ?? null, hazardId: v.result?.hazardId ?? null })),
  };
}
