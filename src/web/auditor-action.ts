// The one hook through which reads of the audit log by machines (API calls) and single sign-ins leave the web view, to be recorded as audit events.
import type { Request } from 'express';
import type { Role } from '../model/vocabulary.js';

/** What an auditor did: an API read of the event list or of one event, or a single sign-on sign-in. */
export const AUDITOR_ACTION_KINDS = ['api.events.list', 'api.events.get', 'sso.sign_in'] as const;
export type AuditorActionKind = (typeof AUDITOR_ACTION_KINDS)[number];

/** Who acted: an API token (by name) or a person signed in through the identity provider (no subject when the answer was refused before it was read). */
export type AuditorActor =
  | { type: 'token'; name: string; role: Role }
  | { type: 'sso_user'; issuer: string; subject?: string; name?: string; email?: string; role?: Role };

/** One action by an auditor, handed to `onAuditorAction`. Carries no secret (no token, code or password). */
export interface AuditorAction {
  kind: AuditorActionKind;
  time: Date;
  /** `failure` when refused (a member's token, a filter that does not parse, a sign-in without a role, …). */
  outcome: 'success' | 'failure';
  /** Why it failed, in words. */
  reason?: string;
  actor: AuditorActor;
  /** What was read: the filter in the search syntax, the paging position, the event id, the answer's status and row count. */
  target: { query?: string; after?: string; before?: string; eventId?: string; status: number; rows?: number };
  source: { ip?: string; userAgent?: string };
}

/**
 * Called once for every API call made with a valid token (answered or refused) and every single sign-on
 * attempt that reached the identity provider's answer. Meant to record these reads of the audit log as audit
 * events; it must not throw (an error is logged and ignored) and is not awaited.
 */
export type AuditorActionHook = (action: AuditorAction) => void;

/** Calls the hook, if any, never letting it break the request. */
export function reportAuditorAction(hook: AuditorActionHook | undefined, action: AuditorAction): void {
  if (!hook) return;
  try {
    hook(action);
  } catch (error) {
    console.error('[web] onAuditorAction failed:', error);
  }
}

/** Where a request came from, for AuditorAction.source. */
export function requestSource(req: Request): AuditorAction['source'] {
  const userAgent = req.get('user-agent');
  return { ...(req.ip ? { ip: req.ip } : {}), ...(userAgent ? { userAgent } : {}) };
}
