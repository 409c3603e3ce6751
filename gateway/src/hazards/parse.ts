// Shape checks of the request bodies of CONTRACT §8 (zod): unknown keys and wrong types are a
// 400 naming the field. Semantic checks (deadline in the future, plan for major, reward tiers)
// are the workflow's, because they depend on the hazard and `now`.
import { z } from 'zod';
import { HAZARD_CATEGORIES, HAZARD_LEVELS, HAZARD_SOURCES, REPORT_CHANNELS, type CreateHazardInput, type HazardAction } from './types.ts';
import { WorkflowError } from './workflow.ts';

const line = (max: number) => z.string().max(max);
const note = line(2000).optional();
const time = z.union([z.number(), z.string().max(64)]);

const actionSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('verify'), note }),
  z.strictObject({ action: z.literal('confirm'), level: z.enum(HAZARD_LEVELS).optional(), category: z.enum(HAZARD_CATEGORIES).optional(), duplicateOf: line(100).nullable().optional(), outsideDuties: z.boolean().optional(), note }),
  z.strictObject({ action: z.literal('reject'), reason: line(2000) }),
  z.strictObject({
    action: z.literal('assign'),
    owner: line(200),
    measures: line(4000),
    funds: z.number().nonnegative().optional(),
    deadline: time,
    plan: line(8000).optional(),
  }),
  z.strictObject({ action: z.literal('rectify'), evidence: line(4000), note }),
  z.strictObject({ action: z.literal('close'), note }),
  z.strictObject({ action: z.literal('reopen'), reason: line(2000) }),
  z.strictObject({ action: z.literal('reward'), amount: z.number() }),
  z.strictObject({ action: z.literal('publish'), note }),
  z.strictObject({ action: z.literal('extend'), reason: line(2000) }),
]);

const createSchema = z.strictObject({
  source: z.enum(HAZARD_SOURCES).optional(),
  alarmId: line(100).nullable().optional(),
  channel: z.enum(REPORT_CHANNELS).optional(),
  enterprise: line(100),
  site: line(100).nullable().optional(),
  zone: line(100).nullable().optional(),
  device: line(100).nullable().optional(),
  title: line(200),
  description: line(4000).optional(),
  category: z.enum(HAZARD_CATEGORIES).optional(),
  level: z.enum(HAZARD_LEVELS).optional(),
  anonymous: z.boolean().optional(),
  reporter: z.strictObject({ name: line(100).optional(), phone: line(40).optional() }).nullable().optional(),
});

function toError(error: z.ZodError): WorkflowError {
  const issue = error.issues[0]!;
  let field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) field = [...issue.path.map(String), issue.keys[0]].join('.');
  if (field === '') field = 'body';
  return new WorkflowError(400, `${field}: ${issue.message}`, { field });
}

/** A POST /api/v1/hazards/{id}/actions body, or a 400 WorkflowError. */
export function parseAction(body: unknown): HazardAction {
  const r = actionSchema.safeParse(body);
  if (!r.success) {
    const a = (body as { action?: unknown } | null)?.action;
    if (body === null || typeof body !== 'object' || typeof a !== 'string' || !actionSchema.options.some((o) => o.shape.action.value === a))
      return parseFail('action', 'expected one of verify, confirm, reject, assign, rectify, close, reopen, reward, publish, extend');
    throw toError(r.error);
  }
  return r.data as HazardAction;
}

/** A POST /api/v1/hazards body, or a 400 WorkflowError. */
export function parseCreate(body: unknown): CreateHazardInput {
  const r = createSchema.safeParse(body);
  if (!r.success) throw toError(r.error);
  return r.data as CreateHazardInput;
}

function parseFail(field: string, message: string): never {
  throw new WorkflowError(400, `${field}: ${message}`, { field });
}
