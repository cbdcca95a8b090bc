// The audit event's types: what a caller gives, and the normalised event that validation returns.
import type { Action, ActorType, Outcome, ResourceType } from './vocabulary.js';

/** One changed field: old and new values (secret fields carry hashes instead, see `secret`). */
export interface DiffEntry {
  old?: unknown;
  new?: unknown;
  /** The field is secret: `old`/`new` are keyed hashes, never values. */
  secret?: boolean;
}

/** What a caller gives to record an audit event. */
export interface AuditEventInput {
  /** Time-ordered unique id (UUIDv7). Default: generated. Give one to make retries idempotent. */
  id?: string;
  /** When the action happened. Default: now. */
  time?: Date | string | number;
  action: Action;
  actor: { id: string; name?: string; email?: string; roles?: readonly string[]; type?: ActorType };
  resource: { type: ResourceType; id: string; target?: string };
  /** Default: `success`. */
  outcome?: Outcome;
  /** Why it failed, when it did. */
  reason?: string;
  source?: { ip?: string; userAgent?: string; requestId?: string };
  diff?: Record<string, DiffEntry>;
  details?: Record<string, unknown>;
}

/** A validated event: defaults applied, time a Date, id present. */
export interface AuditEvent {
  id: string;
  time: Date;
  action: Action;
  actor: { id: string; name?: string; email?: string; roles: string[]; type: ActorType };
  resource: { type: ResourceType; id: string; target?: string };
  outcome: Outcome;
  reason?: string;
  source: { ip?: string; userAgent?: string; requestId?: string };
  diff?: Record<string, DiffEntry>;
  details?: Record<string, unknown>;
}

/** One reason an event was refused: the field's path and what is wrong with it. */
export interface ValidationIssue {
  path: string;
  message: string;
}
