// Bearer tokens and scopes (CONTRACT §7): enterprise roles are scoped by `enterprises`,
// regulators by `jurisdictions`; out of scope answers 404, never 403.
import { sha256, tokenDigest } from '../auth/secret.ts';
import { actorIds } from '../config/actor-ids.ts';
import type { TokenConfig } from '../config/schema.ts';
import type { AssetModel } from '../model/assets.ts';
import { HazardlineError } from '../errors.ts';

export type Role = TokenConfig['role'];

export interface Identity {
  role: Role;
  /** the person (or station) behind the token entry: its id, else its name, else derived from role and scope (config/actor-ids.ts) */
  id: string;
  name?: string;
  enterprises: string[];
  jurisdictions: string[];
}

export class TokenAuth {
  /** by the token's SHA-256 (hex): the lookup's timing says nothing about the token's characters, and tokens may be configured hashed */
  private readonly tokens = new Map<string, Identity>();

  constructor(
    tokens: TokenConfig[],
    private readonly assets: AssetModel,
  ) {
    const ids = actorIds(tokens);
    tokens.forEach((t, i) => this.tokens.set(tokenDigest(t.token).toString('hex'), { role: t.role, id: ids[i], name: t.name, enterprises: t.enterprises, jurisdictions: t.jurisdictions }));
  }

  identify(header: string | undefined, queryToken?: string): Identity | undefined {
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : queryToken;
    return token ? this.tokens.get(sha256(token).toString('hex')) : undefined;
  }

  /** The identity, or 401 / 403 as HazardlineError. */
  require(header: string | undefined, roles: Role[], queryToken?: string): Identity {
    const id = this.identify(header, queryToken);
    if (!id) throw new HazardlineError('HL_ERR_UNAUTHORIZED', 'missing or unknown bearer token', 401);
    if (!roles.includes(id.role)) throw new HazardlineError('HL_ERR_FORBIDDEN', `role ${id.role} may not do this`, 403);
    return id;
  }

  inScope(id: Identity, enterprise: string): boolean {
    if (id.role === 'admin') return true;
    if (id.role === 'regulator') {
      const e = this.assets.enterprises.get(enterprise);
      return e !== undefined && id.jurisdictions.includes(e.jurisdiction);
    }
    return id.enterprises.includes(enterprise);
  }
}
