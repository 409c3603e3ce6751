// Every registered rule kind passes the rule-kind contract with the built-in rules that use it.
import { ruleKindContract } from '../../../test/contracts/rule-kind-contract.ts';
import { parseRuleFile, ruleFilePaths } from '../rule-file.ts';
import { KINDS } from './registry.ts';

const problems: string[] = [];
const byKind = new Map<string, string[]>();
for (const file of ruleFilePaths(['builtin'], [], problems)) for (const r of parseRuleFile(file, problems)) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r.id]);
if (problems.length) throw new Error(problems.join('\n'));
for (const kind of KINDS.keys()) ruleKindContract(kind, byKind.get(kind) ?? []);
