// The row: a stored ECS document read back into typed fields, the inverse of toEcsDocument beside it.
import type { DiffEntry } from './event-types.js';
import { parseStoredDate } from './date-text.js';
import { isAction, isActorType, isOutcome, isResourceType, type Action, type ActorType, type Outcome, type ResourceType } from './vocabulary.js';

/** Row fields whose stored value may be one this version cannot read. */
export type ReadableField = 'time' | 'action' | 'outcome' | 'resourceType' | 'actorType';

/**
 * One audit event as read back from OpenSearch.
 *
 * A stored value this version cannot read (a vocabulary word it does not know, written by another version or by hand,
 * or a `@timestamp` that is neither a date nor epoch milliseconds from 1970 to 2999) never makes reading fail: the typed field is then `undefined`
 * (`time`: the epoch, so the row still sorts and pages) and `unreadable` keeps the stored text, for display.
 */
export interface AuditRow {
  id: string;
  time: Date;
  action: Action | undefined;
  outcome: Outcome | undefined;
  reason?: string;
  actor: { id: string; name?: string; email?: string; roles: string[]; type: ActorType | undefined };
  resource: { type: ResourceType | undefined; id: string; target?: string };
  source: { ip?: string; userAgent?: string; requestId?: string };
  diff?: Record<string, DiffEntry>;
  details?: Record<string, unknown>;
  sequence?: number;
  producer?: string;
  /** The stored text of each field that could not be read (`''` when it was missing). Absent when every field was read. */
  unreadable?: Partial<Record<ReadableField, string>>;
  /** The stored document, whole. */
  document: Record<string, unknown>;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value when it is a plain object, else an empty one (so a malformed document reads as missing fields). */
function recordOrEmpty(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function storedText(value: unknown): string {
  return value === undefined ? '' : typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

function timeOf(value: unknown): Date | undefined {
  try {
    return parseStoredDate(value);
  } catch {
    return undefined;
  }
}

/** Turns a stored document into a typed row; see AuditRow for what happens to values it cannot read. */
export function toRow(source: Record<string, unknown>): AuditRow {
  const event = recordOrEmpty(source.event);
  const user = recordOrEmpty(source.user);
  const trail = recordOrEmpty(source.audit_trail);
  const resource = recordOrEmpty(trail.resource);
  const unreadable: Partial<Record<ReadableField, string>> = {};
  const read = <T>(field: ReadableField, stored: unknown, value: T | undefined): T | undefined => {
    if (value === undefined) unreadable[field] = storedText(stored);
    return value;
  };
  const actorType = recordOrEmpty(trail.actor).type;
  const row: AuditRow = {
    id: stringOrUndefined(event.id) ?? '',
    time: read('time', source['@timestamp'], timeOf(source['@timestamp'])) ?? new Date(0),
    action: read('action', event.action, isAction(event.action) ? event.action : undefined),
    outcome: read('outcome', event.outcome, isOutcome(event.outcome) ? event.outcome : undefined),
    actor: {
      id: stringOrUndefined(user.id) ?? '',
      roles: Array.isArray(user.roles) ? user.roles.filter((role): role is string => typeof role === 'string') : [],
      type: read('actorType', actorType, isActorType(actorType) ? actorType : undefined),
    },
    resource: {
      type: read('resourceType', resource.type, isResourceType(resource.type) ? resource.type : undefined),
      id: stringOrUndefined(resource.id) ?? '',
    },
    source: {},
    document: source,
  };
  const optional: [object, string, unknown][] = [
    [row, 'reason', stringOrUndefined(event.reason)],
    [row.actor, 'name', stringOrUndefined(user.name)],
    [row.actor, 'email', stringOrUndefined(user.email)],
    [row.resource, 'target', stringOrUndefined(resource.target)],
    [row.source, 'ip', stringOrUndefined(recordOrEmpty(source.client).ip) ?? stringOrUndefined(recordOrEmpty(source.source).ip)],
    [row.source, 'userAgent', stringOrUndefined(recordOrEmpty(source.user_agent).original)],
    [row.source, 'requestId', stringOrUndefined(recordOrEmpty(recordOrEmpty(source.http).request).id)],
    [row, 'diff', trail.diff === undefined ? undefined : recordOrEmpty(trail.diff)],
    [row, 'details', trail.details === undefined ? undefined : recordOrEmpty(trail.details)],
    [row, 'sequence', typeof event.sequence === 'number' ? event.sequence : undefined],
    [row, 'producer', stringOrUndefined(trail.producer)],
    [row, 'unreadable', Object.keys(unreadable).length ? unreadable : undefined],
  ];
  for (const [target, key, value] of optional) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return row;
}

/** What a row shows for a vocabulary field: the word, or the stored text when it could not be read. */
export function shownText(row: AuditRow, field: Exclude<ReadableField, 'time'>): string {
  const value = { action: row.action, outcome: row.outcome, resourceType: row.resource.type, actorType: row.actor.type }[field];
  return value ?? row.unreadable?.[field] ?? '';
}
