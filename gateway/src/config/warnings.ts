// What a config allows but an operator should know (issue 12 items 2, 7, 14): printed by
// `check-config` (exit 0) and logged at start. Each line starts with its path, like the errors.
import { secretForm } from '../auth/secret.ts';
import type { Config } from './schema.ts';

export function configWarnings(c: Config): string[] {
  const out: string[] = [];
  if (c.auth.allowAnonymous) {
    out.push(
      c.auth.anonymous
        ? `auth.allowAnonymous: MQTT clients without credentials connect and act as ${c.auth.anonymous.enterprise}/${c.auth.anonymous.site}${c.auth.anonymous.device ? `/${c.auth.anonymous.device}` : ''} (auth.anonymous); give every device its own credentials instead`
        : 'auth.allowAnonymous: MQTT clients without credentials connect but may neither publish nor subscribe until auth.anonymous names the enterprise and site they act for; give every device its own credentials instead',
    );
  }
  const jurisdictions = new Set(c.enterprises.map((e) => e.jurisdiction));
  c.auth.tokens.forEach((t, i) => {
    for (const j of t.jurisdictions) if (!jurisdictions.has(j)) out.push(`auth.tokens.${i}.jurisdictions: no enterprise is in jurisdiction "${j}": its regulator sees nothing there yet`);
    if (t.id === undefined && t.name === undefined) out.push(`auth.tokens.${i}: no name or id: actions are recorded as "${t.role}@…", derived from role and scope; give each token the name of the person or station holding it`);
  });
  const plain = [...c.auth.tokens.map((t) => t.token), ...c.auth.devices.map((d) => d.password), ...c.auth.edges.map((e) => e.password)].filter((s) => secretForm(s) === 'plain').length;
  if (plain > 0) out.push(`auth: ${plain} token(s)/password(s) in plain text; \`hazardline hash-secret\` prints the sha256:/scrypt: form to put in the config instead`);
  // issue 15: a chain that calls whoever is on duty, for an enterprise with no roster, calls nobody
  const rostered = new Set(c.notify.rosters.map((r) => r.enterprise));
  [...c.notify.escalations.map((p, i) => ({ p, path: `notify.escalations.${i}`, to: p.steps.flatMap((s) => s.to) })), ...c.notify.hazardNotices.map((p, i) => ({ p, path: `notify.hazardNotices.${i}`, to: p.to }))].forEach(({ p, path, to }) => {
    if (!to.includes('on-duty')) return;
    const missing = (p.enterprises ?? c.enterprises.map((e) => e.id)).filter((e) => !rostered.has(e));
    if (missing.length > 0) out.push(`${path}: sends to on-duty, but ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no roster in notify.rosters: nobody on duty is called there`);
  });
  return out;
}
