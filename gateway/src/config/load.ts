// Loads a YAML config: parse, substitute ${ENV}, validate, and report every problem with its path.
import { readFileSync, existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema, type Config } from './schema.ts';
import { ConfigError } from '../errors.ts';
import { describeIssue, formatPath } from '../model/format-path.ts';

export { formatPath };

/** Replaces `${NAME}` in every string value; an unset variable is a config error at that path. */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[] = [], problems: string[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string) => {
      const v = env[name];
      if (v === undefined) {
        problems.push(`${formatPath(path)}: environment variable ${name} is not set`);
        return m; // left as written so that the schema does not report the same value twice
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, [...path, i], problems));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteEnv(v, env, [...path, k], problems);
    return out;
  }
  return value;
}

export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): Config {
  const { config, problems } = checkConfig(raw, env);
  if (!config) throw new ConfigError(problems);
  return config;
}

/** The value the cross-checks ran on: defaults filled in, values the schema refused as given. */
let partial: unknown;
const capturing = configSchema.superRefine((c) => void (partial = c), { when: () => true });

/**
 * Every problem of a config at once (issue 18): ${ENV} references, the schema, and the
 * cross-references, which run on the partly parsed config even when the schema refused some of
 * it. A cross-reference problem at or under a path the schema already refused is not repeated.
 * `partial` is what the checks saw, for further checks (the rules) on a refused config.
 */
export function checkConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): { config?: Config; problems: string[]; partial: unknown } {
  const problems: string[] = [];
  const substituted = substituteEnv(raw ?? {}, env, [], problems);
  partial = undefined;
  const result = capturing.safeParse(substituted);
  if (!result.success) {
    const refused = result.error.issues.filter((i) => !isCrossCheck(i)).map((i) => i.path.join('\u0000'));
    const under = (i: { path: PropertyKey[] }) => refused.some((p) => { const q = i.path.join('\u0000'); return q === p || q.startsWith(`${p}\u0000`); });
    for (const issue of result.error.issues) if (!isCrossCheck(issue) || !under(issue)) problems.push(`${formatPath(issue.path)}: ${describeIssue(issue)}`);
  }
  const seen = partial;
  return problems.length ? { problems: [...new Set(problems)], partial: seen } : { config: result.data!, problems, partial: seen };
}

const isCrossCheck = (i: { code: string; params?: Record<string, unknown> }) => i.code === 'custom' && i.params?.crossCheck === true;

export function parseConfigText(text: string, env: NodeJS.ProcessEnv = process.env): Config {
  return parseConfig(readYaml(text), env);
}

/** The YAML document of a config file; an empty one is an error, not a config of defaults. */
export function readYaml(text: string): unknown {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError([`(yaml): ${(err as Error).message.split('\n')[0]}`]);
  }
  if (raw === null || raw === undefined || (typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0)) throw new ConfigError(['(file): the config is empty (expected at least enterprises; docs/config.md)']);
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(['(file): expected a YAML mapping of sections (gateway, mqtt, enterprises, …)']);
  return raw;
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Config {
  return parseConfig(readConfigFile(file), env);
}

/** The raw YAML document of a config file (file and YAML errors as ConfigError). */
export function readConfigFile(file: string): unknown {
  if (!existsSync(file)) throw new ConfigError([`(file): ${file} does not exist`]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`(file): cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  return readYaml(text);
}
