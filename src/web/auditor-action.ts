// The one hook through which every read of the audit log, sign-in and sign-out, and change of users and tokens leaves the web view (and the CLI), to be recorded as audit events.
import type { Request } from 'express';
import type { Role } from '../model/vocabulary.js';
import type { UserStore } from './auth/users.js';
import { signedInUser } from './oidc/sso-session.js';
import type { ProviderSignOut } from './oidc/provider-sign-out.js';

/**
 * What an auditor did: sign in or out (local password or single sign-on), read the audit log on the page (the list,
 * one event, an export) or through the API, open the Integrity page or run a verification, change a user or an API token,
 * or (command line) set a namespace's retention, place or release a legal hold, or run retention.
 */
export const AUDITOR_ACTION_KINDS = [
  'sign_in',
  'sign_out',
  'sso.sign_in',
  'audit.list',
  'audit.event',
  'audit.export',
  'api.events.list',
  'api.events.get',
  'integrity.view',
  'integrity.verify',
  'user.create',
  'user.reset',
  'user.role',
  'user.remove',
  'token.create',
  'token.revoke',
  'retention.set',
  'retention.hold',
  'retention.release',
  'retention.run',
] as const;
export type AuditorActionKind = (typeof AUDITOR_ACTION_KINDS)[number];

/**
 * Who acted: a local user of the web view (no role for a failed sign-in: the name is the one tried), an API token
 * (by name), a person signed in through the identity provider (no subject when the answer was refused before it was
 * read), or the operating-system user running the command line.
 */
export type AuditorActor =
  | { type: 'user'; name: string; role?: Role }
  | { type: 'token'; name: string; role: Role }
  | { type: 'sso_user'; issuer: string; subject?: string; name?: string; email?: string; role?: Role }
  | { type: 'os_user'; name: string; role: Role };

/** One action by an auditor, handed to `onAuditorAction`. Carries no secret (no password, token, session id, code or state). */
export interface AuditorAction {
  kind: AuditorActionKind;
  time: Date;
  /** `failure` when refused (a member's token, a filter that does not parse, a wrong password, a sign-in without a role, …). */
  outcome: 'success' | 'failure';
  /** Why it failed, in words. */
  reason?: string;
  actor: AuditorActor;
  /**
   * What was read or changed: the filter in the search syntax, the paging position, the event id, the export format,
   * the answer's HTTP status and row count; the user or token changed and its role (and the role before); for an
   * integrity verification, the namespace(s), the events checked (`rows`), the result's status and a summary in words;
   * for retention, the namespace, the indices deleted (`rows`), the result and a summary (the period, the hold's reason).
   */
  target: {
    query?: string;
    after?: string;
    before?: string;
    eventId?: string;
    status?: number;
    rows?: number;
    format?: string;
    producer?: string;
    namespace?: string;
    result?: string;
    summary?: string;
    user?: string;
    token?: string;
    role?: Role;
    previousRole?: Role;
    expiresAt?: string;
    /** For a single sign-on user's sign-out: what became of the session at the identity provider (see ProviderSignOut). */
    providerSignOut?: ProviderSignOut;
  };
  source: { ip?: string; userAgent?: string };
}

/**
 * Called once for every action above: each sign-in attempt that reached the password check or the identity
 * provider's answer, each sign-out, each page of the list, event page and export (answered or refused, by a
 * signed-in user), each API call made with a valid token (answered or refused). Meant to record them as audit
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

/** The signed-in person of a request (a local user, or a single sign-on user with the provider's subject), or undefined. */
export function requestActor(req: Request, users: UserStore): AuditorActor | undefined {
  const user = signedInUser(req, users);
  if (!user) return undefined;
  const sso = req.session.sso;
  return sso ? { type: 'sso_user', issuer: sso.issuer, subject: sso.subject, name: user.username, role: user.role } : { type: 'user', name: user.username, role: user.role };
}
