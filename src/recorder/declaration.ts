// What a request handler declares with `req.audit(...)`, and how it becomes an event once the response is known.
import type { AuditEventInput } from '../model/event.js';
import type { Outcome } from '../model/vocabulary.js';

/** Who acted, as the actor resolver returns it. */
export type AuditActor = AuditEventInput['actor'];

/** An event declared by a handler; the middleware adds actor, source, time and outcome. */
export interface AuditDeclaration {
  action: AuditEventInput['action'];
  resource: AuditEventInput['resource'];
  /** Default: from the response status (2xx/3xx success, 4xx/5xx failure). */
  outcome?: Outcome;
  /** Default on failure: the HTTP status, e.g. `HTTP 403 Forbidden`. */
  reason?: string;
  /** Default: the actor resolver's answer for the request. */
  actor?: AuditActor;
  diff?: AuditEventInput['diff'];
  details?: AuditEventInput['details'];
}

/** The outcome a response status means. */
export function outcomeOfStatus(status: number): Outcome {
  if (status >= 200 && status < 400) return 'success';
  if (status >= 400) return 'failure';
  return 'unknown';
}

/** Request context collected by the middleware. */
export interface RequestContext {
  time: Date;
  actor: AuditActor;
  ip: string | undefined;
  userAgent: string | undefined;
  requestId: string;
  status: number;
  statusMessage: string | undefined;
  /** The response ended before it was complete (client gone, stream destroyed). */
  aborted: boolean;
}

/** Builds the event of one declaration once the response has finished. */
export function eventOf(declaration: AuditDeclaration, context: RequestContext): AuditEventInput {
  const outcome = declaration.outcome ?? (context.aborted ? 'unknown' : outcomeOfStatus(context.status));
  const source: NonNullable<AuditEventInput['source']> = { requestId: context.requestId };
  if (context.ip) source.ip = context.ip.startsWith('::ffff:') ? context.ip.slice(7) : context.ip;
  if (context.userAgent) source.userAgent = context.userAgent;
  const event: AuditEventInput = {
    time: context.time,
    action: declaration.action,
    actor: declaration.actor ?? context.actor,
    resource: declaration.resource,
    outcome,
    source,
  };
  const reason =
    declaration.reason ??
    (context.aborted ? 'the response was not completed (connection closed)' : outcome === 'failure' ? `HTTP ${context.status}${context.statusMessage ? ` ${context.statusMessage}` : ''}` : undefined);
  if (reason) event.reason = reason;
  if (declaration.diff) event.diff = declaration.diff;
  if (declaration.details) event.details = declaration.details;
  return event;
}
