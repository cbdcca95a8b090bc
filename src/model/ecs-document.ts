// Shaping: a pure function that turns a validated audit event into its ECS-shaped OpenSearch document.
import type { AuditEvent, DiffEntry } from './event.js';
import { ACTION_INFO, DATASET, ECS_VERSION, RESERVED_TOP_LEVEL_KEYS, type EcsCategory } from './vocabulary.js';

/** The document stored in OpenSearch (nested objects, ECS field names). */
export interface AuditDocument {
  '@timestamp': string;
  message: string;
  ecs: { version: string };
  log?: { level: string };
  event: {
    id: string;
    action: string;
    outcome: string;
    reason?: string;
    kind: 'event';
    category: string[];
    type: string[];
    dataset: string;
    created: string;
    sequence?: number;
  };
  user: { id: string; name?: string; email?: string; roles: string[] };
  client?: { ip: string };
  source?: { ip: string };
  user_agent?: { original: string };
  http?: { request: { id: string } };
  service?: { name?: string; version?: string; environment?: string };
  host?: { hostname: string };
  audit_trail: {
    actor: { type: string };
    resource: { type: string; id: string; target?: string };
    diff?: Record<string, DiffEntry>;
    details?: Record<string, unknown>;
    producer?: string;
  };
  [extra: string]: unknown;
}

/**
 * A `redact` hook. One that changes nothing but the free-form values a caller gives (`details`,
 * `diff`, metadata) may say so with `freeForm`, which then applies to each of those alone, returning
 * it as it is when there is nothing to mask (the whole document is never handed to it).
 */
export interface DocumentRedactor {
  (document: AuditDocument): AuditDocument;
  readonly freeForm?: (value: Record<string, unknown>) => Record<string, unknown>;
}

/** Context added by the producer, not by the caller of an event. */
export interface DocumentContext {
  /** When the document was built. Default: now. */
  created?: Date;
  /** winston level. */
  level?: string;
  service?: { name?: string; version?: string; environment?: string };
  hostname?: string;
  producer?: string;
  sequence?: number;
  /** Caller metadata: kept only where it cannot collide with a field this product owns. */
  meta?: Record<string, unknown>;
  /** `message`, when the caller has described the event already. Default: `describeEvent(event)`. */
  message?: string;
}

/** One readable sentence, e.g. "alice created workspace alice-dev". */
export function describeEvent(event: AuditEvent): string {
  const who = event.actor.name ?? event.actor.email ?? event.actor.id;
  const what = event.resource.target ?? event.resource.id;
  const failed = event.outcome === 'failure' ? ' (failed)' : '';
  return `${who} ${ACTION_INFO[event.action].verb} ${event.resource.type.replaceAll('_', ' ')} ${what}${failed}`;
}

/** Metadata keys that survive: not owned by this product, neither as `a` nor as dotted `a.b`. */
export function safeMetadata(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  if (!meta) return kept;
  for (const [key, value] of Object.entries(meta)) {
    const top = key.split('.')[0] ?? key;
    if (RESERVED_TOP_LEVEL_KEYS.includes(top) || value === undefined || typeof value === 'function' || typeof value === 'symbol') {
      continue;
    }
    kept[key] = value;
  }
  return kept;
}

/** The event's ECS categories: the action's, plus `iam` when a user is acted on. */
export function categoriesOf(event: AuditEvent): string[] {
  const info = ACTION_INFO[event.action];
  const list: EcsCategory[] = [...info.category];
  if (event.resource.type === 'user' && !list.includes('iam')) list.push('iam');
  return list;
}

/** The service fields that are set, or undefined when none is. */
function definedService(service: NonNullable<DocumentContext['service']>): AuditDocument['service'] {
  let kept: AuditDocument['service'];
  if (service.name !== undefined) (kept ??= {}).name = service.name;
  if (service.version !== undefined) (kept ??= {}).version = service.version;
  if (service.environment !== undefined) (kept ??= {}).environment = service.environment;
  return kept;
}

/** Builds the ECS document. Pure: the same event and context give the same document. */
export function toEcsDocument(event: AuditEvent, context: DocumentContext = {}): AuditDocument {
  const core: AuditDocument = {
    '@timestamp': event.time.toISOString(),
    message: context.message ?? describeEvent(event),
    ecs: { version: ECS_VERSION },
    event: {
      id: event.id,
      action: event.action,
      outcome: event.outcome,
      kind: 'event',
      category: categoriesOf(event),
      type: [...ACTION_INFO[event.action].type],
      dataset: DATASET,
      created: (context.created ?? new Date()).toISOString(),
    },
    user: { id: event.actor.id, roles: [...event.actor.roles] },
    audit_trail: {
      actor: { type: event.actor.type },
      resource: { ...event.resource },
    },
  };
  // Caller metadata first (its keys never collide with the product's: safeMetadata drops those), then ours.
  const doc: AuditDocument = context.meta === undefined ? core : Object.assign(safeMetadata(context.meta), core);
  if (event.reason !== undefined) doc.event.reason = event.reason;
  if (context.sequence !== undefined) doc.event.sequence = context.sequence;
  if (event.actor.name !== undefined) doc.user.name = event.actor.name;
  if (event.actor.email !== undefined) doc.user.email = event.actor.email;
  if (event.source.ip !== undefined) {
    doc.client = { ip: event.source.ip };
    doc.source = { ip: event.source.ip };
  }
  if (event.source.userAgent !== undefined) doc.user_agent = { original: event.source.userAgent };
  if (event.source.requestId !== undefined) doc.http = { request: { id: event.source.requestId } };
  if (context.level !== undefined) doc.log = { level: context.level };
  const service = context.service && definedService(context.service);
  if (service) doc.service = service;
  if (context.hostname !== undefined) doc.host = { hostname: context.hostname };
  if (event.diff !== undefined) doc.audit_trail.diff = event.diff;
  if (event.details !== undefined) doc.audit_trail.details = event.details;
  if (context.producer !== undefined) doc.audit_trail.producer = context.producer;
  return doc;
}
