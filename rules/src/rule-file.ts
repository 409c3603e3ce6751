// The rule file format (README.md): YAML `{ pack?, rules: [ { id, kind, title, domain, flags,
// match, params, hazard?, escalation? } ] }`. Loading reports every problem with its file and
// path (`rules/packs/gas.yaml: rules[2].params.levels[0].value: expected number`).
import { formatPath, zodProblems } from '../../gateway/src/model/format-path.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { RuleDef } from './kind.ts';
import { severity, text } from './schema-common.ts';

/** rules/packs: beside rules/src in a checkout, above dist/rules/src when compiled (issue 18) */
export const PACK_DIR = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'rules', 'packs')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'rules', 'packs');
})();
const REPO_ROOT = join(PACK_DIR, '..', '..');

const escalation = z.strictObject({
  windowHours: z.number().positive().default(24),
  steps: z.array(z.strictObject({ from: severity, count: z.number().int().min(1), to: severity })).min(1),
});

const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/, { message: 'expected a dotted id like "gas.lel"' }),
  kind: z.string(),
  title: text,
  /** DOMAIN.md section(s), e.g. "§1" */
  domain: z.string().regex(/§\d/, { message: 'expected a DOMAIN.md section like "§1"' }),
  /** DOMAIN.md flags of the numbers: S, V, V2, D */
  flags: z.array(z.enum(['S', 'V', 'V2', 'D'])).default([]),
  enabled: z.boolean().default(true),
  match: z.strictObject({ kinds: z.array(z.string()).optional(), metrics: z.array(z.string()).optional() }).default({}),
  hazard: z.strictObject({ level: z.enum(['general', 'major']), minSeverity: severity.default('red') }).optional(),
  escalation: escalation.optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  note: z.string().optional(),
});

export const ruleFileSchema = z.strictObject({
  pack: z.string().optional(),
  description: z.string().optional(),
  rules: z.array(ruleSchema),
});

export { formatPath };

export function displayPath(file: string): string {
  const r = relative(REPO_ROOT, file);
  return r.startsWith('..') ? file : r;
}

/** Files of `packs` (`builtin` = every file under rules/packs, or a pack file name) and `files`. */
export function ruleFilePaths(packs: string[] = ['builtin'], files: string[] = [], problems: string[]): string[] {
  const out: string[] = [];
  let all: string[] = [];
  try {
    all = readdirSync(PACK_DIR).filter((f) => f.endsWith('.yaml')).sort();
  } catch {
    problems.push(`rules.packs: built-in pack directory ${PACK_DIR} not readable`);
  }
  packs.forEach((p, i) => {
    if (p === 'builtin') out.push(...all.map((f) => join(PACK_DIR, f)));
    else if (all.includes(`${p}.yaml`)) out.push(join(PACK_DIR, `${p}.yaml`));
    else problems.push(`rules.packs[${i}]: unknown pack "${p}" (builtin | ${all.map((f) => f.replace(/\.yaml$/, '')).join(' | ')})`);
  });
  out.push(...files);
  return [...new Set(out)];
}

/** Parses one rule file; problems are prefixed with the file's display path. */
export function parseRuleFile(file: string, problems: string[]): RuleDef[] {
  const name = displayPath(file);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
    return [];
  }
  const res = ruleFileSchema.safeParse(raw);
  if (!res.success) {
    problems.push(...zodProblems(`${name}: `, [], res.error));
    return [];
  }
  return res.data.rules.map((r, i) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    domain: r.domain,
    flags: r.flags,
    enabled: r.enabled,
    match: r.match,
    hazard: r.hazard,
    escalation: r.escalation ? { windowMs: r.escalation.windowHours * 3_600_000, steps: r.escalation.steps } : undefined,
    params: r.params,
    source: `${name}: rules[${i}]`,
  }));
}
