// Manage > Tokens: site managers list, create and revoke the API tokens (the store and rules of `audit-trail tokens`); each create and revoke, refused ones too, reported through the auditor-action hook.
import { Router, type Request, type Response } from 'express';
import { ROLES, type Role } from '../model/vocabulary.js';
import type { UserStore } from './auth/users.js';
import { DEFAULT_TOKEN_EXPIRY, MAX_TOKEN_DAYS, TokenError, tokenState, type ApiToken, type TokenStore } from './api/token-store.js';
import { reportAuditorAction, requestActor, requestSource, type AuditorAction, type AuditorActionHook, type AuditorActionKind } from './auditor-action.js';
import { requireRole, type PageRule } from './require-role.js';
import { timeText } from './view-model.js';

declare module 'express-session' {
  interface SessionData {
    /** What the last change on Manage > Tokens did, shown once on the next view of the page. */
    tokenNotice?: string;
  }
}

export interface TokenRouteOptions {
  users: UserStore;
  /** The API's token store (the one `audit-trail tokens` writes). */
  tokens: TokenStore;
  now: () => Date;
  csrfToken: (req: Request) => string;
  timeZone?: string;
  onAuditorAction?: AuditorActionHook;
}

/** Who may manage the API tokens. */
export const TOKEN_MANAGER_ROLES = ['site_manager'] as const satisfies readonly Role[];

/** Every route of the Tokens page (the access test walks them). */
export const TOKEN_PATHS = ['/manage/tokens', '/manage/tokens/revoke'] as const;

const TOKENS_PAGE: PageRule = {
  page: 'Manage > Tokens',
  rule: (role, roles) => `Only ${roles.join(' and ')} may manage the API tokens${role === 'auditor' ? ': auditors read the audit log, but may not list, create or revoke tokens' : ''}`,
};

/** A form field as text ('' when missing or repeated). */
const field = (req: Request, name: string): string => {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

const isRole = (text: string): text is Role => (ROLES as readonly string[]).includes(text);

export function tokenRoutes(options: TokenRouteOptions): Router {
  const router = Router();
  const { tokens } = options;

  const report = (req: Request, kind: AuditorActionKind, outcome: AuditorAction['outcome'], target: AuditorAction['target'], reason?: string): void => {
    const actor = requestActor(req, options.users);
    if (!actor) return;
    reportAuditorAction(options.onAuditorAction, { kind, time: options.now(), outcome, ...(reason ? { reason } : {}), actor, target, source: requestSource(req) });
  };
  /** What a change asked for, as far as it reads: the name, and the role when it is one. */
  const asked = (req: Request): AuditorAction['target'] => {
    const role = field(req, 'role');
    return { token: field(req, 'name'), ...(isRole(role) ? { role } : {}) };
  };
  const kindOf = (req: Request): AuditorActionKind => (req.path.endsWith('/revoke') ? 'token.revoke' : 'token.create');

  // A change refused by role is a refused attempt, reported like a refused change.
  router.use('/manage/tokens', requireRole(options.users, TOKEN_MANAGER_ROLES, TOKENS_PAGE, (req, _res, reason) => {
    if (req.method === 'POST') report(req, kindOf(req), 'failure', { ...asked(req), status: 403 }, reason);
  }));

  const row = (token: ApiToken, now: Date) => ({
    name: token.name,
    role: token.role,
    created: timeText(token.createdAt.toISOString(), options.timeZone),
    expires: timeText(token.expiresAt.toISOString(), options.timeZone),
    ...(token.lastUsedAt ? { lastUsed: timeText(token.lastUsedAt.toISOString(), options.timeZone) } : {}),
    state: tokenState(token, now),
    revocable: !token.revokedAt,
  });

  const renderPage = (req: Request, res: Response, status: number, extra: { error?: string; form?: { name: string; role: string; expires: string } } = {}): void => {
    const notice = req.session.tokenNotice;
    delete req.session.tokenNotice;
    const form = extra.form ?? { name: '', role: 'auditor', expires: DEFAULT_TOKEN_EXPIRY };
    const now = options.now();
    res.status(status).render('tokens', {
      title: 'Manage > Tokens',
      tokensPage: true,
      csrf: options.csrfToken(req),
      notice,
      error: extra.error,
      form,
      roles: ROLES.map((value) => ({ value, selected: value === form.role })),
      expiryHint: `days or hours from now, e.g. 30d or 12h (default ${DEFAULT_TOKEN_EXPIRY}, at most ${MAX_TOKEN_DAYS}d)`,
      tokens: tokens.list().map((t) => row(t, now)),
    });
  };

  router.get('/manage/tokens', (req, res) => renderPage(req, res, 200));

  router.post('/manage/tokens', (req, res) => {
    const form = { name: field(req, 'name'), role: field(req, 'role'), expires: field(req, 'expires') };
    try {
      // The store checks the name, the role and the expiry with the rules `audit-trail tokens` uses.
      const { token, secret } = tokens.create(form.name, form.role as Role, form.expires.trim() || DEFAULT_TOKEN_EXPIRY, options.now());
      report(req, 'token.create', 'success', { token: token.name, role: token.role, expiresAt: token.expiresAt.toISOString(), status: 200 });
      // Shown this once: the answer is not stored anywhere (Cache-Control: no-store, as every page).
      res.render('token-created', { title: 'Manage > Tokens', tokensPage: true, token: { name: token.name, role: token.role, expires: timeText(token.expiresAt.toISOString(), options.timeZone) }, secret });
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      const status = error.problem === 'taken' ? 409 : 400;
      report(req, 'token.create', 'failure', { ...asked(req), status }, error.message);
      renderPage(req, res, status, { error: `The token was not created: ${error.message}.`, form });
    }
  });

  router.post('/manage/tokens/revoke', (req, res, next) => {
    const name = field(req, 'name');
    try {
      const token = tokens.revoke(name, options.now());
      report(req, 'token.revoke', 'success', { token: token.name, role: token.role, status: 303 });
      req.session.tokenNotice = `Token ${token.name} revoked: the API refuses it from now on (it stays listed).`;
      req.session.save((error) => (error ? next(error) : res.redirect(303, '/manage/tokens')));
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      const status = error.problem === 'unknown' ? 404 : 400;
      report(req, 'token.revoke', 'failure', { token: name, status }, error.message);
      renderPage(req, res, status, { error: `Nothing was revoked: ${error.message}.` });
    }
  });
  return router;
}
