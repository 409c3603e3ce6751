// zod pieces shared by the rule-file schema and the kinds' params schemas.
import { z } from 'zod';
import { SEVERITIES } from './types.ts';

export const severity = z.enum(SEVERITIES, { error: `expected one of ${SEVERITIES.join(' | ')}` });
export const text = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
export const seconds = z.number().min(0);
export const statusList = z.array(z.enum(['producing', 'stopped', 'rectifying']));

/** `10%` of a threshold, or an absolute amount in the metric's unit */
export const deadband = z.union([z.number().min(0), z.string().regex(/^\d+(\.\d+)?%$/, { message: 'expected a number or a percentage like "10%"' })]);

export function deadbandOf(db: number | string, threshold: number): number {
  return typeof db === 'number' ? db : (Math.abs(threshold) * Number(db.slice(0, -1))) / 100;
}

export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
