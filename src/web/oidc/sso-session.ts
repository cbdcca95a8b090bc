// Who is signed in: a local user (looked up on every request) or a single sign-on user (role from the provider, kept in the session).
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import type { User, UserStore } from '../auth/users.js';

declare module 'express-session' {
  interface SessionData {
    /**
     * Set for a single sign-on session: the provider, the person's subject there, and the ID token it gave (kept here,
     * on the server only, as the `id_token_hint` of the sign-out at the provider; never in a cookie, a page or a report).
     */
    sso?: SsoSession;
    /** Set in the anonymous session left by a single sign-on sign-out: the provider's end-session URL to send the browser to, until when. */
    providerSignOut?: { url: string; until: number };
    /** A sign-in under way at the provider: what its answer must match (used once, then removed). */
    oidcLogin?: { state: string; nonce: string; verifier: string; next: string; startedAt: number };
  }
}

/** What a single sign-on session knows of the provider. */
export interface SsoSession {
  issuer: string;
  subject: string;
  idToken?: string;
}

/**
 * The signed-in user. A local user is read from the user store on every request (a changed role or a removed
 * user applies at once); a single sign-on user keeps the role the provider's claim gave at sign-in until the
 * session ends (a change at the provider applies at the next sign-in).
 */
export function signedInUser(req: Request, users: UserStore): User | undefined {
  return userOfSession(req.session, users);
}

/** The same for a session read from the store (undefined when it has ended). */
export function userOfSession(session: Partial<SessionData> | null | undefined, users: UserStore): User | undefined {
  const user = session?.user;
  if (!user) return undefined;
  return session.sso ? { username: user.username, role: user.role } : users.get(user.username);
}
