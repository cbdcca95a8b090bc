// Validation of an audit event: the zod schema that names every bad field, behind the plain-code fast path.
import { isIP } from 'node:net';
import { z } from 'zod';
import { v7 as uuidv7, validate as isUuid } from 'uuid';
import { LIMITS } from './limits.js';
import { fastValidateEvent } from './event-fast-path.js';
import { jsonValueProblem } from './json-value.js';
import { ACTIONS, ACTOR_TYPES, OUTCOMES, RESOURCE_TYPES } from './vocabulary.js';
import type { AuditEvent, DiffEntry, ValidationIssue } from './event-types.js';

export { LIMITS } from './limits.js';
export type { AuditEvent, AuditEventInput, DiffEntry, ValidationIssue } from './event-types.js';

/** An event that does not match the model; `issues` name each bad field and what it allows. */
export class AuditValidationError extends Error {
  override readonly name = 'AuditValidationError';
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(`invalid audit event: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const oneOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: (issue) => `unknown ${what} ${JSON.stringify(issue.input)}; allowed: ${values.join(', ')}` });
// Checked as given (a record schema would check its copy, and name a cycle's path in the copy).
const boundedJson = () =>
  z.unknown().transform((value, ctx) => {
    const problem =
      typeof value !== 'object' || value === null || Array.isArray(value) ? `must be an object, got ${Array.isArray(value) ? 'an array' : typeof value}` : jsonValueProblem(value, LIMITS.structuredBytes);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return { ...(value as Record<string, unknown>) };
  });

const timeSchema = z.unknown().transform((value, ctx) => {
  const date =
    value instanceof Date ? value : typeof value === 'number' || (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `must be a date (Date, ISO 8601 string or epoch milliseconds), got ${String(JSON.stringify(value))}` });
    return z.NEVER;
  }
  return date;
});

const eventSchema = z.object({
  id: z
    .string()
    .refine((v) => isUuid(v), 'must be a UUID (UUIDv7 recommended)')
    .optional(),
  time: timeSchema.optional(),
  action: oneOf(ACTIONS, 'action'),
  actor: z.object(
    {
      id: text(LIMITS.shortText),
      name: text(LIMITS.shortText).optional(),
      email: z.email('must be an e-mail address').max(LIMITS.email).optional(),
      roles: z.array(text(LIMITS.shortText)).max(LIMITS.roles, `at most ${LIMITS.roles} roles`).optional(),
      type: oneOf(ACTOR_TYPES, 'actor type').optional(),
    },
    { error: 'is required: who acted ({ id, name?, email?, roles? })' },
  ),
  resource: z.object(
    {
      type: oneOf(RESOURCE_TYPES, 'resource type'),
      id: text(LIMITS.shortText),
      target: text(LIMITS.target).optional(),
    },
    { error: 'is required: what was acted on ({ type, id, target? })' },
  ),
  outcome: oneOf(OUTCOMES, 'outcome').optional(),
  reason: text(LIMITS.reason).optional(),
  source: z
    .object({
      ip: z
        .string()
        .refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address')
        .optional(),
      userAgent: text(LIMITS.userAgent).optional(),
      requestId: text(LIMITS.shortText).optional(),
    })
    .optional(),
  diff: boundedJson().optional(),
  details: boundedJson().optional(),
});

/** Validates and normalises an event; throws AuditValidationError naming every bad field. */
export function validateEvent(input: unknown): AuditEvent {
  // Plainly well-formed events (nearly all) take the cheap path; a test holds it equal to the schema.
  return fastValidateEvent(input) ?? validateEventWithSchema(input);
}

/** The same validation through the zod schema alone: normalises odd input, names every problem. */
export function validateEventWithSchema(input: unknown): AuditEvent {
  const parsed = eventSchema.safeParse(input);
  if (!parsed.success) {
    throw new AuditValidationError(
      parsed.error.issues.map((issue) => ({
        path: issue.path.length ? issue.path.join('.') : '(event)',
        message: issue.message,
      })),
    );
  }
  const e = parsed.data;
  const event: AuditEvent = {
    id: e.id ?? uuidv7(),
    time: e.time ?? new Date(),
    action: e.action,
    actor: { ...e.actor, roles: e.actor.roles ?? [], type: e.actor.type ?? 'user' },
    resource: e.resource,
    outcome: e.outcome ?? 'success',
    source: e.source ?? {},
  };
  if (e.reason !== undefined) event.reason = e.reason;
  if (e.diff !== undefined) event.diff = e.diff as Record<string, DiffEntry>;
  if (e.details !== undefined) event.details = e.details;
  return event;
}
