// Public API of the rule engine (rules/README.md).
export * from './types.ts';
export { createEvaluator, type EvaluatorOptions, type EvaluatorStats, type RuleEvaluator } from './evaluator.ts';
export { validateRules, RuleConfigError, type RuleOptions } from './compile.ts';
export { escalate, TAILINGS_ESCALATION } from './escalation.ts';
export { LocalCalendar } from './local-calendar.ts';
export { KINDS } from './kinds/registry.ts';
export { PACK_DIR } from './rule-file.ts';
