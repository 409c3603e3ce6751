// SMS and voice calls through any provider's HTTP API (issue 15): one request template with
// placeholders, a signature computed from its own template, success read from the status and,
// when configured, one JSON field of the reply. The sign-in schemes of the common Chinese
// providers map onto it as docs/notifications.md shows.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { utcOffsetMs } from '../../alarms/local-time.ts';
import type { ChannelName, HttpTemplateConfig, Person } from '../paging-config.ts';
import { causeOf, type Channel, type Message, type SendOutcome } from './channel.ts';

type Escape = (v: string) => string;
const raw: Escape = (v) => v;
const json: Escape = (v) => JSON.stringify(v).slice(1, -1);
const form: Escape = (v) => encodeURIComponent(v);

/** `{{name}}` replaced by `values[name]`, escaped; unknown names stay as they are. */
export function fill(template: string, values: Record<string, string>, escape: Escape = raw): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in values ? escape(values[k]) : m));
}

export function signature(s: NonNullable<HttpTemplateConfig['sign']>, values: Record<string, string>): string {
  const input = fill(s.input, values);
  const [kind, algo] = s.algorithm.startsWith('hmac-') ? ['hmac', s.algorithm.slice(5)] : ['hash', s.algorithm];
  const h = kind === 'hmac' ? createHmac(algo, s.secret ?? '') : createHash(algo);
  const out = h.update(input, 'utf8').digest(s.encoding);
  return s.uppercase ? out.toUpperCase() : out;
}

export class HttpTemplateChannel implements Channel {
  constructor(
    readonly name: Extract<ChannelName, 'sms' | 'voice'>,
    private readonly c: HttpTemplateConfig,
    private readonly now: () => number,
    /** the time zone of {{datetime}} and {{mmddhhmmss}} (gateway.timezone) */
    private readonly timezone = 'Asia/Shanghai',
  ) {}

  address(p: Person): string | undefined {
    return p.phone;
  }

  /** The request this message makes (exposed for tests and the docs' examples). */
  request(m: Message): { url: string; method: string; headers: Record<string, string>; body?: string } {
    const t = this.now();
    // local wall-clock time as providers want it: yyyyMMddHHmmss (容联) and MMDDHHMMSS (梦网)
    const datetime = new Date(t + utcOffsetMs(t, this.timezone)).toISOString().replace(/\D/g, '').slice(0, 14);
    const values: Record<string, string> = { phone: m.address, text: m.text, subject: m.subject, name: m.person.name, timestamp: String(Math.floor(t / 1000)), timestampMs: String(t), datetime, mmddhhmmss: datetime.slice(4), nonce: randomUUID() };
    if (this.c.sign) values.sign = signature(this.c.sign, values);
    const headers = Object.fromEntries(Object.entries(this.c.headers).map(([k, v]) => [k.toLowerCase(), fill(v, values)]));
    const type = headers['content-type'] ?? (this.c.body?.trimStart().startsWith('{') ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded');
    if (this.c.body !== undefined) headers['content-type'] = type;
    const body = this.c.body === undefined ? undefined : fill(this.c.body, values, type.includes('json') ? json : form);
    return { url: fill(this.c.url, values, form), method: this.c.method, headers, body };
  }

  async send(m: Message): Promise<SendOutcome> {
    const r = this.request(m);
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), this.c.timeoutMs);
    try {
      const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body, signal: ctl.signal });
      const text = await res.text();
      if (res.status === 429 || res.status >= 500) return { ok: false, retry: true, reason: `http ${res.status}` };
      if (res.status < 200 || res.status >= 300) return { ok: false, retry: false, reason: `http ${res.status}: ${text.slice(0, 120)}` };
      if (!this.c.success) return { ok: true };
      let reply: unknown;
      try {
        reply = JSON.parse(text);
      } catch {
        return { ok: false, retry: true, reason: `reply not JSON: ${text.slice(0, 120)}` };
      }
      const got = this.c.success.field.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), reply);
      if (String(got) === String(this.c.success.equals)) return { ok: true };
      // providers answer 200 with an error code for throttling as for bad numbers: retried, bounded by maxAttempts
      return { ok: false, retry: true, reason: `${this.c.success.field}=${String(got)}: ${text.slice(0, 120)}` };
    } catch (err) {
      return { ok: false, retry: true, reason: ctl.signal.aborted ? 'timeout' : `network: ${causeOf(err)}` };
    } finally {
      clearTimeout(timer);
    }
  }
}
