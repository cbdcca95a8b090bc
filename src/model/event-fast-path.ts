// The validation hot path: a plain-code check for well-formed events that gives what validateEvent gives; anything unusual goes to zod.
import { isIP } from 'node:net';
import { regexes } from 'zod';
import { v7 as uuidv7, validate as isUuid } from 'uuid';
import { LIMITS } from './limits.js';
import type { AuditEvent } from './event-types.js';
import { ACTIONS, ACTOR_TYPES, OUTCOMES, RESOURCE_TYPES, type Action, type ActorType, type Outcome, type ResourceType } from './vocabulary.js';

const actions = new Set<string>(ACTIONS);
const actorTypes = new Set<string>(ACTOR_TYPES);
const outcomes = new Set<string>(OUTCOMES);
const resourceTypes = new Set<string>(RESOURCE_TYPES);

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A string the schema's `text(max)` would keep unchanged: trimmed, not empty, not too long. */
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max && v.trim() === v;
const optionalText = (v: unknown, max: number) => v === undefined || isText(v, max);

function boundedJson(v: unknown): v is Obj {
  if (!isObject(v) || Object.getPrototypeOf(v) !== Object.prototype) return false;
  try {
    return Buffer.byteLength(JSON.stringify(v)) <= LIMITS.structuredBytes;
  } catch {
    return false;
  }
}

function toDate(value: unknown): Date | undefined {
  const date =
    value instanceof Date ? value : typeof value === 'number' || (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/**
 * The validated event when `input` is plainly well formed, else undefined (then
 * `validateEventWithSchema`, which normalises odd input or names every problem). A unit test holds the two equal.
 */
export function fastValidateEvent(input: unknown): AuditEvent | undefined {
  if (!isObject(input)) return undefined;
  const { id, time, action, actor, resource, outcome, reason, source, diff, details } = input;
  if (id !== undefined && (typeof id !== 'string' || !isUuid(id))) return undefined;
  if (typeof action !== 'string' || !actions.has(action)) return undefined;
  if (!isObject(actor) || !isText(actor.id, LIMITS.shortText) || !optionalText(actor.name, LIMITS.shortText)) return undefined;
  const { email, roles, type } = actor;
  if (email !== undefined && (typeof email !== 'string' || email.length > LIMITS.email || !regexes.email.test(email))) return undefined;
  if (roles !== undefined && (!Array.isArray(roles) || roles.length > LIMITS.roles || !roles.every((r) => isText(r, LIMITS.shortText)))) return undefined;
  if (type !== undefined && (typeof type !== 'string' || !actorTypes.has(type))) return undefined;
  if (!isObject(resource) || typeof resource.type !== 'string' || !resourceTypes.has(resource.type)) return undefined;
  if (!isText(resource.id, LIMITS.shortText) || !optionalText(resource.target, LIMITS.target)) return undefined;
  if (outcome !== undefined && (typeof outcome !== 'string' || !outcomes.has(outcome))) return undefined;
  if (!optionalText(reason, LIMITS.reason)) return undefined;
  if (source !== undefined) {
    if (!isObject(source)) return undefined;
    if (source.ip !== undefined && (typeof source.ip !== 'string' || isIP(source.ip) === 0)) return undefined;
    if (!optionalText(source.userAgent, LIMITS.userAgent) || !optionalText(source.requestId, LIMITS.shortText)) return undefined;
  }
  if ((diff !== undefined && !boundedJson(diff)) || (details !== undefined && !boundedJson(details))) return undefined;
  const date = time === undefined ? new Date() : toDate(time);
  if (!date) return undefined;

  const a: AuditEvent['actor'] = { id: actor.id as string, roles: roles ? [...(roles as string[])] : [], type: (type as ActorType | undefined) ?? 'user' };
  if (actor.name !== undefined) a.name = actor.name as string;
  if (email !== undefined) a.email = email;
  const r: AuditEvent['resource'] = { type: resource.type as ResourceType, id: resource.id as string };
  if (resource.target !== undefined) r.target = resource.target as string;
  const s: AuditEvent['source'] = {};
  if (source) {
    if (source.ip !== undefined) s.ip = source.ip as string;
    if (source.userAgent !== undefined) s.userAgent = source.userAgent as string;
    if (source.requestId !== undefined) s.requestId = source.requestId as string;
  }
  const event: AuditEvent = {
    id: (id as string | undefined) ?? uuidv7(), time: date, action: action as Action, actor: a, resource: r,
    outcome: (outcome as Outcome | undefined) ?? 'success', source: s,
  };
  if (reason !== undefined) event.reason = reason as string;
  // Object.assign, not spreads: this runs for every event.
  if (diff !== undefined) event.diff = Object.assign({}, diff) as AuditEvent['diff'];
  if (details !== undefined) event.details = Object.assign({}, details);
  return event;
}
