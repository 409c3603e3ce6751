// Scenario files (simulators/scenarios/*.yaml): who is in the field, what happens when, and the
// alarms the gateway must raise — and must not. Validated with the gateway's own config schema
// for the enterprises, so a scenario is always a valid gateway configuration.
import { z } from 'zod';
import { configSchema } from '../../../gateway/src/config/schema.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `10m`, `2h`, `30d`, `1d6h` or milliseconds. */
export function parseDuration(v: string | number): number {
  if (typeof v === 'number') return v;
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== v.replace(/\s+/g, '')) throw new Error(`not a duration: "${v}" (e.g. 90s, 10m, 2h, 1d6h)`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]], 0);
}

const duration = z.union([z.number().min(0), z.string()]).superRefine((v, ctx) => {
  try {
    parseDuration(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

const severity = z.enum(['red', 'orange', 'yellow', 'blue']);

/** One expected alarm: the rule, its subject (device, zone or enterprise), severity and when it must be raised. */
const expectedAlarm = z.strictObject({
  rule: z.string(),
  device: z.string().optional(),
  zone: z.string().optional(),
  enterprise: z.string().optional(),
  severity: severity.optional(),
  /** raised at or after `from` and at or before `to`, relative to the scenario start */
  from: duration.optional(),
  to: duration.optional(),
});

const step = z.strictObject({
  at: duration,
  /** a device action scripts the device model (leak, stuck, accelerate, run, secretRun, crowd, sos, silent, ...) */
  device: z.string().optional(),
  /** an operator action is not the simulator's: the test harness applies it through the HTTP API */
  enterprise: z.string().optional(),
  do: z.string(),
  with: z.record(z.string(), z.unknown()).default({}),
  note: z.string().optional(),
});

export const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  description: z.string().min(1),
  /** DOMAIN.md sections the scenario exercises */
  domain: z.array(z.string()).default([]),
  seed: z.number().int().default(1),
  /** event time of the scenario start, RFC 3339 with offset */
  start: z.string().refine((s) => Number.isFinite(Date.parse(s)), { message: 'expected an RFC 3339 time' }),
  duration,
  /** simulated seconds per wall second when run from the command line without --speed */
  speed: z.number().positive().optional(),
  enterprises: configSchema.shape.enterprises,
  timeline: z.array(step).default([]),
  expect: z.strictObject({ alarms: z.array(expectedAlarm).default([]), none: z.array(expectedAlarm).default([]) }).default({ alarms: [], none: [] }),
});

export type ScenarioFile = z.infer<typeof scenarioSchema>;
export type ExpectedAlarm = z.infer<typeof expectedAlarm>;
