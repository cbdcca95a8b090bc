// Sign-in (rate-limited, CSRF-checked, session regenerated) and sign-out.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { UserStore } from './auth/users.js';
import { SESSION_COOKIE } from './auth/session.js';

export interface LoginLimit {
  /** Window in ms. Default 15 minutes. */
  windowMs?: number;
  /** Failed sign-ins allowed per address and window. Default 10. */
  max?: number;
}

/** Only local paths are followed after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/manage/audit';
}

/** Limits failed sign-ins per address; mounted before the CSRF check, so guessing with valid tokens is limited too. */
export function loginLimiter(limit: LoginLimit = {}): RequestHandler {
  return rateLimit({
    windowMs: limit.windowMs ?? 15 * 60_000,
    limit: limit.max ?? 10,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res, _next, options) => {
      const minutes = Math.ceil(options.windowMs / 60_000);
      res.status(429).render('message', { title: 'Too many attempts', heading: 'Too many sign-in attempts', message: `Wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again, or ask a site manager to reset your password (audit-trail users reset NAME).` });
    },
  });

}

export function authRoutes(users: UserStore, csrfToken: (req: Request) => string): Router {
  const router = Router();
  const render = (req: Request, res: Response, status: number, error?: string): void => {
    res.status(status).render('login', { title: 'Sign in', csrf: csrfToken(req), next: safeNext(req.query.next ?? req.body?.next), error, username: req.body?.username ?? '' });
  };
  router.get('/login', (req, res) => {
    if (req.session.user && users.get(req.session.user.username)) {
      res.redirect(303, safeNext(req.query.next));
      return;
    }
    render(req, res, 200);
  });

  router.post('/login', async (req, res, next) => {
    const username = typeof req.body?.username === 'string' ? req.body.username.trim().toLowerCase() : '';
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    const user = username && password ? await users.verify(username, password) : undefined;
    if (!user) {
      render(req, res, 401, 'Wrong user name or password.');
      return;
    }
    const target = safeNext(req.body?.next);
    req.session.regenerate((error) => {
      if (error) return next(error);
      req.session.user = user;
      req.session.save((saveError) => (saveError ? next(saveError) : res.redirect(303, target)));
    });
  });

  router.post('/logout', (req, res, next) => {
    req.session.destroy((error) => {
      if (error) return next(error);
      res.clearCookie(SESSION_COOKIE);
      res.redirect(303, '/login');
    });
  });
  return router;
}
