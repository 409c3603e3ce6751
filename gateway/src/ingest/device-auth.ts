// Device credentials and topic permissions from `auth.devices` (CONTRACT §2).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { DeviceCredential } from '../config/schema.ts';
import type { Principal } from './source.ts';

const digest = (s: string | Buffer) => createHash('sha256').update(s).digest();

export class DeviceAuth {
  private readonly creds = new Map<string, { hash: Buffer; principal: Principal }>();

  constructor(
    devices: DeviceCredential[],
    readonly allowAnonymous: boolean,
  ) {
    for (const d of devices) {
      this.creds.set(d.username, { hash: digest(d.password), principal: { username: d.username, enterprise: d.enterprise, site: d.site, device: d.device } });
    }
  }

  /** The principal for these credentials; null = refused. `undefined` principal = anonymous (allowed). */
  check(username: string | undefined, password: Buffer | undefined): { ok: true; principal?: Principal } | { ok: false; code: 4 | 5 } {
    if (username === undefined || username === '') return this.allowAnonymous ? { ok: true } : { ok: false, code: 5 };
    const c = this.creds.get(username);
    // compare digests in constant time whatever the password length
    const ok = c !== undefined && password !== undefined && timingSafeEqual(c.hash, digest(password));
    return ok ? { ok: true, principal: c!.principal } : { ok: false, code: 4 };
  }

  /**
   * Subscriptions: a device credential reads only under its own prefix (its commands, its
   * retained status) and its own Sparkplug commands; a site-level one under its site. Nobody
   * reads the gateway's internal `$hazardline/` topics. Anonymous clients (when allowed) and
   * other trusted readers are not restricted otherwise.
   */
  maySubscribe(p: Principal | undefined, topic: string): boolean {
    if (topic.startsWith('$hazardline/')) return false;
    if (!p) return true;
    const device = p.device ? `${p.device}/` : '';
    const own = [`hl/v1/${p.enterprise}/${p.site}/${device}`, `spBv1.0/${p.enterprise}/DCMD/${p.site}/${device}`, 'spBv1.0/STATE/'];
    if (!p.device) own.push(`spBv1.0/${p.enterprise}/NCMD/${p.site}`);
    return own.some((prefix) => topic === prefix.replace(/\/$/, '') || topic.startsWith(prefix));
  }
}
