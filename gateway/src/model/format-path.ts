// Error paths as operators read them in config and rule files (`enterprises[0].sites[1].zones[2].maxPersons`),
// shared by the config loader and the rule compiler (rules/ may import the model only), with the
// one zod issue formatter both use.
import type { z } from 'zod';

/** `enterprises[0].sites[1]` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}

/** One zod issue as an operator reads it: `unknown key "foo"`, `expected number`, else zod's message. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_type':
      return issue.message.startsWith('Invalid input') ? `expected ${issue.expected}` : issue.message;
    default:
      return issue.message;
  }
}

/** Every issue of `err` as `prefix` + path + `: ` + what is wrong (`rules.overrides[2].params: unknown key "foo"`, not `params.(root)`). */
export function zodProblems(prefix: string, path: PropertyKey[], err: z.ZodError): string[] {
  return err.issues.map((i) => {
    const at = [...path, ...i.path];
    return at.length ? `${prefix}${formatPath(at)}: ${describeIssue(i)}` : `${prefix.replace(/[.:]\s*$/, '')}: ${describeIssue(i)}`;
  });
}
