// Shared by the route modules whose stores open in Gateway.start(): the acting identity and
// the 503 before the records database is open (and after stop).
import { HazardlineError } from '../errors.ts';
import type { Actor } from '../hazards/types.ts';
import type { Identity } from './auth.ts';

/** The person behind the token entry (never its role alone): what transitions, history and the audit chain record. */
export const actorName = (id: Identity): string => id.id;
export const actorOf = (id: Identity): Actor => ({ ...id });

/** The route dependencies once the records database is open; 503 until then. */
export function openDeps<T>(deps: () => T | undefined): () => T {
  return () => {
    const d = deps();
    if (!d) throw new HazardlineError('HL_ERR_STORE_UNAVAILABLE', 'records database not open', 503);
    return d;
  };
}
