import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { alarmEvent, hazardEvent, TZ } from '../../../test/helpers/webhooks-fixtures.ts';
import { dingtalkMarkdown, dingtalkSign, dingtalkSignedUrl, formatBody, truncateUtf8, WECOM_MAX_BYTES, wecomContent } from './webhook-format.ts';

describe('truncateUtf8', () => {
  it('leaves short text alone', () => {
    expect(truncateUtf8('报警', 6)).toBe('报警');
  });

  it('cuts on a character boundary, marker included in the budget', () => {
    // 报 and 警 are 3 bytes each, … is 3 bytes
    for (let max = 3; max <= 12; max++) {
      const out = truncateUtf8('报警报警报警', max);
      expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(max);
      expect(out.endsWith('…')).toBe(true);
      expect(out).not.toContain('\uFFFD');
    }
    expect(truncateUtf8('报警报警报警', 10)).toBe('报警…');
  });

  it('never splits a 4-byte character (surrogate pair)', () => {
    // a = 1 byte, 😀 = 4 bytes, … = 3 bytes
    expect(truncateUtf8('a😀😀😀', 7)).toBe('a…');
    expect(truncateUtf8('a😀😀😀', 8)).toBe('a😀…');
    expect(truncateUtf8('a😀😀😀', 11)).toBe('a😀…');
  });
});

describe('wecom markdown (企业微信群机器人)', () => {
  it('renders a raised red alarm in Chinese with local time, due-by and state', () => {
    expect(wecomContent(alarmEvent(), TZ)).toBe(
      [
        '## <font color="warning">【红色报警】</font> 可燃气体浓度超二级报警值',
        '> 规则：<font color="comment">gas.lel.level2</font>',
        '> 企业：<font color="comment">ent-a</font>',
        '> 场所：<font color="comment">site-1 / tank-farm</font>',
        '> 设备：<font color="comment">gas-07 (lel)</font>',
        '> 数值：<font color="comment">52（阈值 50）</font>',
        '> 时间：<font color="comment">2026-03-10 14:03:05+08:00</font>',
        '> 处理期限：<font color="comment">2026-03-10 23:59:59+08:00</font>',
        '> 状态：<font color="comment">报警未确认</font>',
        '> 编号：<font color="comment">al-0001</font>',
      ].join('\n'),
    );
  });

  it('shows a clear in the info colour with the transition', () => {
    const c = wecomContent(alarmEvent({ state: 'cleared_unacked', active: false }, { action: 'clear', previousState: 'active_unacked' }), TZ);
    expect(c.split('\n')[0]).toBe('## <font color="info">【红色报警·已恢复】</font> 可燃气体浓度超二级报警值');
    expect(c).toContain('> 状态：<font color="comment">报警未确认 → 已恢复未确认</font>');
  });

  it('renders a major hazard', () => {
    const c = wecomContent(hazardEvent(), TZ);
    expect(c.split('\n')).toEqual([
      '## <font color="warning">【重大隐患·上报】</font> 起重机吊链隐蔽裂纹',
      '> 企业：<font color="comment">ent-a</font>',
      '> 场所：<font color="comment">site-1</font>',
      '> 报告编号：<font color="comment">YH-2026-0042</font>',
      '> 时间：<font color="comment">2026-03-10 15:00:00+08:00</font>',
      '> 整改期限：<font color="comment">2026-03-20 23:59:59+08:00</font>',
      '> 状态：<font color="comment">已上报</font>',
      '> 编号：<font color="comment">hz-0042</font>',
    ]);
  });

  it('keeps content within 4096 bytes, cut on a UTF-8 boundary', () => {
    const c = wecomContent(alarmEvent({ message: '超限'.repeat(3000) }), TZ);
    expect(Buffer.byteLength(c, 'utf8')).toBeLessThanOrEqual(WECOM_MAX_BYTES);
    expect(Buffer.byteLength(c, 'utf8')).toBeGreaterThan(WECOM_MAX_BYTES - 4);
    expect(c).not.toContain('\uFFFD');
    expect(c.endsWith('…')).toBe(true);
  });
});

describe('dingtalk markdown (钉钉自定义机器人)', () => {
  it('puts @mobiles into the text and the at block', () => {
    const md = dingtalkMarkdown(alarmEvent(), TZ, { atMobiles: ['13800001111'] });
    expect(md.title).toBe('【红色报警】可燃气体浓度超二级报警值');
    expect(md.text.startsWith('#### <font color="#FF0000">【红色报警】</font> 可燃气体浓度超二级报警值\n- 规则：gas.lel.level2\n')).toBe(true);
    expect(md.text.endsWith('\n\n@13800001111')).toBe(true);
    const body = formatBody('dingtalk', alarmEvent(), { gateway: 'gw', timezone: TZ, now: 0, at: { atMobiles: ['13800001111'], isAtAll: false } });
    expect(body).toEqual({ msgtype: 'markdown', markdown: md, at: { atMobiles: ['13800001111'], isAtAll: false } });
  });

  it('signs as documented: urlencoded base64 HMAC-SHA256 of "timestamp\\nsecret"', () => {
    const secret = 'SECabc+/=';
    const ts = 1_700_000_000_000;
    const expected = encodeURIComponent(createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64'));
    expect(dingtalkSign(secret, ts)).toBe(expected);
    expect(dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=T', secret, ts)).toBe(`https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=${ts}&sign=${expected}`);
  });
});

describe('json format', () => {
  it('is the event as is plus gateway and sentAt', () => {
    const ev = alarmEvent();
    expect(formatBody('json', ev, { gateway: 'gw-01', timezone: TZ, now: Date.parse('2026-03-10T06:03:06Z') })).toEqual({ ...ev, gateway: 'gw-01', sentAt: '2026-03-10T06:03:06.000Z' });
  });
});
