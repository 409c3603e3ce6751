// The rule engine of a gateway, or of one cluster partition, from the config: packs, files and
// overrides over an asset model, reading declared statuses from a book. A rule-file problem is a
// ConfigError naming its path.
import { RuleConfigError } from '../../../rules/src/compile.ts';
import { createEvaluator, type RuleEvaluator } from '../../../rules/src/evaluator.ts';
import type { Config } from '../config/schema.ts';
import { ConfigError } from '../errors.ts';
import type { AssetModel } from '../model/assets.ts';
import type { CentralMode } from '../uplink/uplink-modes.ts';
import type { DeclaredStatusBook } from './declared-status.ts';
import type { SpecialPeriodBook } from '../periods/special-periods.ts';

export function buildEvaluator(config: Config, assets: AssetModel, declared: DeclaredStatusBook, central?: CentralMode, overrides?: Config['rules']['overrides'], periods?: SpecialPeriodBook): RuleEvaluator {
  try {
    return createEvaluator({
      packs: config.rules.packs,
      files: config.rules.files,
      overrides: overrides ?? config.rules.overrides,
      tagTtlSeconds: config.positioning.tagTtlSeconds,
      env: {
        assets,
        timezone: config.gateway.timezone,
        declaredStatusAt: (e: string, ts: number) => declared.at(e, ts),
        // an edge's enterprises run on the time of their data: a dead link is not dead devices
        dataClockOnly: central ? (e: string) => central.registry.originOf(e) !== undefined : undefined,
        // special periods tighten the thresholds between their dates (issue 17)
        tightenAt: periods?.factorAt,
        delayAt: periods?.delayAt,
      },
    });
  } catch (err) {
    if (err instanceof RuleConfigError) throw new ConfigError(err.problems);
    throw err;
  }
}
