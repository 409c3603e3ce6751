// Device credentials and topic permissions from `auth.devices` (CONTRACT §2).
import { PasswordCheck } from '../auth/secret.ts';
import type { DeviceCredential } from '../config/schema.ts';
import type { Principal } from './source.ts';

export class DeviceAuth {
  private readonly creds = new Map<string, { check: PasswordCheck; principal: Principal }>();

  /**
   * What a client without credentials acts as when `allowAnonymous` is on: the `auth.anonymous`
   * scope, else a principal that matches no enterprise, so every topic ACL still applies and an
   * anonymous client can neither publish nor subscribe (issue 12 item 7).
   */
  private readonly anonymous: Principal;

  constructor(
    devices: DeviceCredential[],
    readonly allowAnonymous: boolean,
    anonymous?: { enterprise: string; site: string; device?: string },
  ) {
    this.anonymous = anonymous ? { username: '(anonymous)', ...anonymous } : { username: '(anonymous)', enterprise: '\u0000', site: '\u0000' };
    for (const d of devices) {
      this.creds.set(d.username, { check: new PasswordCheck(d.password), principal: { username: d.username, enterprise: d.enterprise, site: d.site, device: d.device } });
    }
  }

  /** The principal for these credentials; null = refused. `undefined` principal = anonymous (allowed). */
  check(username: string | undefined, password: Buffer | undefined): { ok: true; principal?: Principal } | { ok: false; code: 4 | 5 } {
    if (username === undefined || username === '') return this.allowAnonymous ? { ok: true, principal: this.anonymous } : { ok: false, code: 5 };
    const c = this.creds.get(username);
    // compare digests in constant time whatever the password length
    const ok = c !== undefined && c.check.matches(password);
    return ok ? { ok: true, principal: c!.principal } : { ok: false, code: 4 };
  }

  /**
   * Subscriptions: a device credential reads only under its own prefix (its commands, its
   * retained status) and its own Sparkplug commands; a site-level one under its site. Nobody
   * reads the gateway's internal `$hazardline/` topics. Anonymous clients (when allowed) act as the
   * `auth.anonymous` scope, or as nobody.
   */
  maySubscribe(p: Principal | undefined, topic: string): boolean {
    if (topic.startsWith('$hazardline/')) return false;
    if (!p) return false;
    const device = p.device ? `${p.device}/` : '';
    const own = [`hl/v1/${p.enterprise}/${p.site}/${device}`, `spBv1.0/${p.enterprise}/DCMD/${p.site}/${device}`, 'spBv1.0/STATE/'];
    if (!p.device) own.push(`spBv1.0/${p.enterprise}/NCMD/${p.site}`);
    return own.some((prefix) => topic === prefix.replace(/\/$/, '') || topic.startsWith(prefix));
  }
}
