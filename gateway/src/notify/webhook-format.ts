// Message bodies for the webhook formats: `json` (the event as is), `wecom` (企业微信群机器人
// markdown) and `dingtalk` (钉钉自定义机器人 markdown), plus DingTalk's 加签 URL signing.
// Operator text is Chinese first (ARCHITECTURE.md House conventions); times are local
// (Asia/Shanghai unless configured).
import { SEVERITY_WORDS } from '../model/words.ts';
import type { Severity } from '../model/vocabulary.ts';
import { createHmac } from 'node:crypto';
import { formatLocal } from '../alarms/local-time.ts';
import type { AlarmNotifyEvent, HazardNotifyEvent, NotifyEvent } from './notifier.ts';
import type { WebhookFormat } from './notify-config.ts';

/** WeCom robot markdown `content` limit: 4096 bytes of UTF-8. */
export const WECOM_MAX_BYTES = 4096;
/** DingTalk documents no hard markdown limit near this; stay well inside the request cap. */
export const DINGTALK_MAX_BYTES = 18_000;

export interface FormatContext {
  gateway: string;
  timezone: string;
  /** wall time of this attempt (epoch ms) */
  now: number;
  at?: { atMobiles?: string[]; isAtAll?: boolean };
}

const DINGTALK_COLOR: Record<string, string> = { red: '#FF0000', orange: '#FF8C00', yellow: '#DAA520', blue: '#1E90FF' };
const ACTION_ZH: Record<string, string> = {
  raise: '',
  update: '更新',
  escalate: '升级',
  ack: '已确认',
  clear: '已恢复',
  close: '已关闭',
  shelve: '已搁置',
  unshelve: '取消搁置',
  suppress: '已抑制',
  unsuppress: '取消抑制',
  hazard: '转隐患',
};
const STATE_ZH: Record<string, string> = {
  active_unacked: '报警未确认',
  active_acked: '报警已确认',
  cleared_unacked: '已恢复未确认',
  normal: '已关闭',
  shelved: '已搁置',
  suppressed: '已抑制',
};
/** Hazard workflow words (DOMAIN.md §7 loop); an unknown one is shown as written. */
const HAZARD_ACTION_ZH: Record<string, string> = {
  report: '上报',
  verify: '现场核查',
  assign: '派发整改',
  rectify: '整改完成',
  accept: '验收通过',
  reject: '驳回',
  reward: '奖励兑现',
  close: '已关闭',
  overdue: '整改超期',
};
const HAZARD_STATE_ZH: Record<string, string> = {
  reported: '已上报',
  verified: '已核查',
  rectifying: '整改中',
  rectified: '已整改',
  accepted: '已验收',
  rejected: '已驳回',
  closed: '已关闭',
  overdue: '已超期',
};

/** Cuts `s` to at most `maxBytes` of UTF-8, never inside a character, marking the cut with `…`. */
export function truncateUtf8(s: string, maxBytes: number, marker = '…'): string {
  const buf = Buffer.from(s, 'utf8');
  if (buf.length <= maxBytes) return s;
  const markerBytes = Buffer.byteLength(marker, 'utf8');
  let end = Math.max(0, maxBytes - markerBytes);
  // back off over continuation bytes (10xxxxxx) to the start of the character being cut
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8') + (maxBytes >= markerBytes ? marker : '');
}

/** DingTalk 加签: base64 HMAC-SHA256 of `timestamp + "\n" + secret`, keyed by the secret, URL-encoded. */
export function dingtalkSign(secret: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
  return encodeURIComponent(mac);
}

export function dingtalkSignedUrl(url: string, secret: string, timestamp: number): string {
  return `${url}${url.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${dingtalkSign(secret, timestamp)}`;
}

const local = (iso: string | null | undefined, tz: string): string | null =>
  iso ? formatLocal(Date.parse(iso), tz).replace('T', ' ') : null;

/** `2026-11-22T23:59:59+08:00` (already local) → `2026-11-22 23:59:59+08:00` */
const localDue = (s: string | null | undefined): string | null => (s ? s.replace('T', ' ') : null);

function stateText(prev: string | null, cur: string, labels: Record<string, string>): string {
  const l = (s: string) => labels[s] ?? s;
  return prev === null || prev === cur ? l(cur) : `${l(prev)} → ${l(cur)}`;
}

interface Lines {
  /** e.g. 【红色报警·已确认】 */
  tag: string;
  /** `warning` for new/worse, `info` for resolved, `comment` otherwise (WeCom's three colours) */
  tone: 'warning' | 'info' | 'comment';
  color: string;
  headline: string;
  fields: [string, string][];
}

function alarmLines(e: AlarmNotifyEvent, tz: string): Lines {
  const a = e.alarm;
  const act = ACTION_ZH[e.action] ?? e.action;
  const tag = `【${SEVERITY_WORDS[a.severity as Severity]?.zh ?? a.severity}报警${act ? `·${act}` : ''}】`;
  const tone = e.action === 'raise' || e.action === 'escalate' || e.action === 'update' ? 'warning' : e.action === 'clear' || e.action === 'close' ? 'info' : 'comment';
  const fields: [string, string][] = [['规则', a.rule]];
  fields.push(['企业', a.enterprise]);
  if (a.site) fields.push(['场所', a.zone ? `${a.site} / ${a.zone}` : a.site]);
  if (a.device) fields.push(['设备', a.metric ? `${a.device} (${a.metric})` : a.device]);
  if (a.value !== null) fields.push(['数值', a.threshold !== null ? `${a.value}（阈值 ${a.threshold}）` : String(a.value)]);
  const time = local(e.at ?? null, tz) ?? local(a.updatedAt ?? a.raisedAt, tz);
  if (time) fields.push(['时间', time]);
  const raised = local(a.raisedAt, tz);
  if (raised && raised !== time) fields.push(['首报', raised]);
  const due = localDue(a.dueBy);
  if (due) fields.push(['处理期限', a.overdue ? `${due}（已超期）` : due]);
  fields.push(['状态', stateText(e.previousState, a.state, STATE_ZH)]);
  if (e.actor && e.actor !== 'system') fields.push(['操作人', e.actor]);
  if (a.count > 1) fields.push(['次数', String(a.count)]);
  if (a.retroactive) fields.push(['说明', '补录数据（非实时）']);
  fields.push(['编号', a.id]);
  return { tag, tone, color: DINGTALK_COLOR[a.severity] ?? '#FF0000', headline: a.message, fields };
}

function hazardLines(e: HazardNotifyEvent, tz: string): Lines {
  const h = e.hazard;
  const major = h.level === 'major';
  const tag = `【${major ? '重大隐患' : '一般隐患'}·${HAZARD_ACTION_ZH[e.action] ?? e.action}】`;
  const fields: [string, string][] = [['企业', h.enterprise]];
  if (h.site) fields.push(['场所', h.site]);
  if (h.reportCode) fields.push(['报告编号', h.reportCode]);
  const time = local(e.at ?? null, tz);
  if (time) fields.push(['时间', time]);
  const due = localDue(h.dueBy);
  if (due) fields.push(['整改期限', due]);
  fields.push(['状态', stateText(h.previousState, h.state, HAZARD_STATE_ZH)]);
  fields.push(['编号', h.id]);
  return { tag, tone: major ? 'warning' : 'comment', color: major ? '#FF0000' : '#FF8C00', headline: h.title, fields };
}

const linesOf = (e: NotifyEvent, tz: string): Lines => (e.kind === 'alarm' ? alarmLines(e, tz) : hazardLines(e, tz));

/** WeCom markdown: `<font color="warning|info|comment">` is the only colour it renders. */
export function wecomContent(e: NotifyEvent, tz: string): string {
  const l = linesOf(e, tz);
  const body = [`## <font color="${l.tone}">${l.tag}</font> ${l.headline}`, ...l.fields.map(([k, v]) => `> ${k}：<font color="comment">${v}</font>`)];
  return truncateUtf8(body.join('\n'), WECOM_MAX_BYTES);
}

export function dingtalkMarkdown(e: NotifyEvent, tz: string, at?: FormatContext['at']): { title: string; text: string } {
  const l = linesOf(e, tz);
  const mentions = (at?.atMobiles ?? []).map((m) => `@${m}`).join(' ');
  const body = [`#### <font color="${l.color}">${l.tag}</font> ${l.headline}`, ...l.fields.map(([k, v]) => `- ${k}：${v}`)].join('\n');
  // DingTalk highlights an @mobile only when it also appears in the text
  const tail = mentions ? `\n\n${mentions}` : '';
  return {
    title: truncateUtf8(`${l.tag}${l.headline}`, 256),
    text: truncateUtf8(body, DINGTALK_MAX_BYTES - Buffer.byteLength(tail, 'utf8')) + tail,
  };
}

/** The request body for one attempt. */
export function formatBody(format: WebhookFormat, e: NotifyEvent, ctx: FormatContext): unknown {
  switch (format) {
    case 'json':
      return { ...e, gateway: ctx.gateway, sentAt: new Date(ctx.now).toISOString() };
    case 'wecom':
      return { msgtype: 'markdown', markdown: { content: wecomContent(e, ctx.timezone) } };
    case 'dingtalk': {
      const body: Record<string, unknown> = { msgtype: 'markdown', markdown: dingtalkMarkdown(e, ctx.timezone, ctx.at) };
      if (ctx.at) body.at = { atMobiles: ctx.at.atMobiles ?? [], isAtAll: ctx.at.isAtAll ?? false };
      return body;
    }
  }
}
