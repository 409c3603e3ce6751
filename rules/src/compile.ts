// Rule files + overrides → rule runtimes. Every problem is collected with its path, so
// `hazardline check-config` can print them all (validateRules) and createEvaluator fails at
// start with the same list (ARCHITECTURE.md: config errors fail at start with their path).
import type { AssetModel } from '../../gateway/src/model/assets.ts';
import type { Host, KindModule, RuleDef, RuleRuntime, Scope } from './kind.ts';
import { KINDS } from './kinds/registry.ts';
import { applying, checkOverrides, merge } from './overrides.ts';
import { zodProblems as issues } from '../../gateway/src/model/format-path.ts';
import { parseRuleFile, ruleFilePaths } from './rule-file.ts';
import type { RuleEnv, RuleInfo } from './types.ts';

export interface RuleOptions {
  /** `builtin` = every file under rules/packs (default), or pack file names (`gas`) */
  packs?: string[];
  files?: string[];
  overrides?: Record<string, unknown>[];
}

export class RuleConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid rules:\n  ${problems.join('\n  ')}`);
    this.name = 'RuleConfigError';
  }
}

export interface CompiledRule {
  def: RuleDef;
  info: RuleInfo;
  create(host: Host): RuleRuntime;
}

export function compileRules(opts: RuleOptions, assets: AssetModel | undefined, problems: string[]): CompiledRule[] {
  const defs = new Map<string, RuleDef>();
  for (const file of ruleFilePaths(opts.packs ?? ['builtin'], opts.files ?? [], problems)) {
    for (const def of parseRuleFile(file, problems)) {
      const kind = KINDS.get(def.kind);
      if (!kind) {
        problems.push(`${def.source}.kind: unknown kind "${def.kind}" (${[...KINDS.keys()].join(' | ')})`);
        continue;
      }
      const prev = defs.get(def.id);
      if (prev) {
        problems.push(`${def.source}.id: duplicate rule id "${def.id}" (also ${prev.source})`);
        continue;
      }
      const res = kind.schema.safeParse(def.params);
      if (!res.success) {
        problems.push(...issues(`${def.source}.params.`, [], res.error));
        continue;
      }
      defs.set(def.id, def);
    }
  }
  const overrides = checkOverrides(opts.overrides ?? [], defs, KINDS as Map<string, KindModule>, assets, problems);
  return [...defs.values()].map((def) => {
    const kind = KINDS.get(def.kind)!;
    const info: RuleInfo = { id: def.id, kind: def.kind, title: def.title, domain: def.domain };
    if (def.escalation) info.escalation = def.escalation;
    return {
      def,
      info,
      create(host: Host) {
        // One params object per distinct set of applying overrides, shared by every subject it
        // applies to: most devices have none, so 10,000 devices share one object (and whatever a
        // kind derives from it) instead of parsing and keeping 10,000 copies (issue 19).
        const own = overrides.filter((o) => o.rule === def.id);
        const cache = new Map<string, unknown>();
        const params = (s: Scope) => {
          const list = own.length === 0 ? own : applying(own, s);
          const k = list.map((o) => own.indexOf(o)).join(',');
          if (cache.has(k)) return cache.get(k) as any;
          const raw = merge(def, list);
          const p = raw === undefined ? undefined : kind.schema.parse(raw);
          cache.set(k, p);
          return p;
        };
        return kind.create({ def, info, host, params });
      },
    };
  });
}

/** Every problem of the rule configuration, with its path (empty when valid). */
export function validateRules(opts: RuleOptions & { env?: RuleEnv; assets?: AssetModel }): string[] {
  const problems: string[] = [];
  compileRules(opts, opts.assets ?? opts.env?.assets, problems);
  return problems;
}
