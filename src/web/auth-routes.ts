// Sign-in (limited per address and per account, CSRF-checked, session regenerated) and sign-out (for single sign-on, at the provider too), each reported through the auditor-action hook.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { UserStore } from './auth/users.js';
import { SESSION_COOKIE } from './auth/session.js';
import { reportAuditorAction, requestActor, requestSource, type AuditorAction, type AuditorActionHook } from './auditor-action.js';
import type { EndProviderSession } from './oidc/provider-sign-out.js';

export interface LoginLimit {
  /** Window in ms: a refusal ends with its window, so nobody is locked out for good. Default 15 minutes. */
  windowMs?: number;
  /** Failed sign-ins allowed per address and window. Default 10. */
  max?: number;
  /** Failed sign-ins allowed per account (from any addresses) and window. Default 20. */
  maxPerAccount?: number;
}

/** The user name a sign-in form names, as the users store spells it. */
const accountOf = (req: Request): string => (typeof req.body?.username === 'string' ? req.body.username.trim().toLowerCase().slice(0, 64) : '');

/** Only local paths are followed after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/manage/audit';
}

/**
 * Limits failed sign-ins per address, then per account (fixed windows: a refusal lasts until its window ends, so an
 * attacker can slow a user down but never lock them out for good). Mounted before the CSRF check, so guessing with
 * valid tokens is limited too; a request refused per address does not count against the account.
 */
export function loginLimiter(limit: LoginLimit = {}): RequestHandler[] {
  const windowMs = limit.windowMs ?? 15 * 60_000;
  const minutes = Math.ceil(windowMs / 60_000);
  const wait = `Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again, or ask a site manager to reset your password (audit-trail users reset NAME).`;
  const common = { windowMs, skipSuccessfulRequests: true, standardHeaders: 'draft-8', legacyHeaders: false } as const;
  return [
    rateLimit({
      ...common,
      limit: limit.max ?? 10,
      handler: (_req, res) => res.status(429).render('message', { title: 'Too many attempts', heading: 'Too many sign-in attempts', message: wait }),
    }),
    rateLimit({
      ...common,
      limit: limit.maxPerAccount ?? 20,
      keyGenerator: (req) => `account:${accountOf(req)}`,
      handler: (_req, res) => res.status(429).render('message', { title: 'Too many attempts', heading: 'Too many failed sign-ins for this account', message: wait }),
    }),
  ];
}

/**
 * `formToken` gives the sign-in form's CSRF token (stored nothing); the sign-out form carries the session's. Every
 * sign-in that reaches the password check and every sign-out of a signed-in user is reported to `onAuditorAction`
 * (the user name tried, never the password or the session id). With `endProviderSession` (single sign-on), a single
 * sign-on user's sign-out goes on to the provider once the local session has ended.
 */
export function authRoutes(users: UserStore, formToken: (req: Request, res: Response) => string, onAuditorAction?: AuditorActionHook, now: () => Date = () => new Date(), endProviderSession?: EndProviderSession): Router {
  const router = Router();
  const report = (req: Request, action: Omit<AuditorAction, 'time' | 'source'>): void =>
    reportAuditorAction(onAuditorAction, { ...action, time: now(), source: requestSource(req) });
  const render = (req: Request, res: Response, status: number, error?: string): void => {
    res.status(status).render('login', { title: 'Sign in', csrf: formToken(req, res), next: safeNext(req.query.next ?? req.body?.next), error, username: req.body?.username ?? '' });
  };
  router.get('/login', (req, res) => {
    if (req.session.user && users.get(req.session.user.username)) {
      res.redirect(303, safeNext(req.query.next));
      return;
    }
    render(req, res, 200);
  });

  router.post('/login', async (req, res, next) => {
    const username = accountOf(req);
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    const user = username && password ? await users.verify(username, password) : undefined;
    if (!user) {
      // For the audit log only (the page never tells which): a name that does not exist, or a wrong password.
      const reason = !username || !password ? 'user name or password missing' : users.get(username) ? 'wrong password' : 'no such user';
      report(req, { kind: 'sign_in', outcome: 'failure', reason, actor: { type: 'user', name: username }, target: { status: 401 } });
      render(req, res, 401, 'Wrong user name or password.');
      return;
    }
    const target = safeNext(req.body?.next);
    req.session.regenerate((error) => {
      if (error) return next(error);
      req.session.user = user;
      req.session.signedInAt = Date.now();
      req.session.save((saveError) => {
        if (saveError) return next(saveError);
        report(req, { kind: 'sign_in', outcome: 'success', actor: { type: 'user', name: user.username, role: user.role }, target: { status: 303 } });
        res.redirect(303, target);
      });
    });
  });

  router.post('/logout', (req, res, next) => {
    const actor = requestActor(req, users);
    const sso = req.session.sso;
    // The local session ends first, whatever the provider does next.
    req.session.destroy(async (error) => {
      if (error) {
        if (actor) report(req, { kind: 'sign_out', outcome: 'failure', reason: 'the session could not be ended', actor, target: { status: 500 } });
        return next(error);
      }
      // The page answering the sign-out shows nobody signed in.
      res.locals.user = undefined;
      let providerError: unknown;
      const provider: Awaited<ReturnType<EndProviderSession>> | undefined =
        sso && endProviderSession ? await endProviderSession(req, res, sso).catch((e: unknown) => void (providerError = e)) : undefined;
      const atProvider = provider?.atProvider;
      if (!providerError && !provider?.answered) {
        res.clearCookie(SESSION_COOKIE);
        res.redirect(303, '/login');
      }
      if (actor) report(req, { kind: 'sign_out', outcome: 'success', actor, target: { status: providerError ? 500 : res.statusCode, ...(atProvider ? { providerSignOut: atProvider } : {}) } });
      if (providerError) next(providerError);
    });
  });
  return router;
}
