// The web view's Express app: helmet, no caching, health check, SQLite sessions, CSRF, sign-in, Manage > Audit, Integrity and Tokens, and error pages (503 when OpenSearch is down).
import { decodeOpenSearchError } from '../storage/opensearch-error.js';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { engine } from 'express-handlebars';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import type { Client } from '@opensearch-project/opensearch';
import type { UserStore } from './auth/users.js';
import { sessionMiddleware, type SessionLifetime } from './auth/session.js';
import { loginCsrf } from './auth/login-csrf.js';
import { ConfigurationError } from '../model/errors.js';
import { authRoutes, loginLimiter, type LoginLimit } from './auth-routes.js';
import { auditRoutes } from './audit-routes.js';
import { healthCheck } from './health.js';
import { parseTrustProxy, type TrustProxy } from './settings.js';
import { machineAccess, type MachineAccessOptions } from './machine-access.js';
import { signedInUser } from './oidc/sso-session.js';
import type { VerifyKey } from '../integrity/keys.js';
import { namespaceOfIndex } from '../query/namespaces.js';
import { integrityRoutes } from './integrity-routes.js';
import { IntegrityRunner } from './integrity-runner.js';
import { ReportStore } from './integrity-store.js';
import { TOKEN_MANAGER_ROLES, tokenRoutes } from './token-routes.js';

export interface WebAppOptions extends MachineAccessOptions {
  /** OpenSearch client the query module reads with. */
  client: Client;
  /** The users who may sign in. */
  users: UserStore;
  /** SQLite database for the sessions (survives restarts). */
  sessionDb: Database.Database;
  /** Secret(s) signing the session cookie; at least 32 characters. */
  sessionSecret: string | string[];
  /** Index or pattern to read. Default: every audit data stream. One namespace's data stream (`logs-audit_trail.events-<ns>`) also limits the Integrity page to that namespace. */
  index?: string;
  /** Served behind TLS (a reverse proxy terminates it): `Secure` cookies and HSTS. Needs `trustProxy` so the app sees the https. Default false. */
  secure?: boolean;
  /** Proxies trusted for the client address and protocol: a hop count (1 = the one proxy in front) or their addresses/subnets. Default false (none). */
  trustProxy?: TrustProxy;
  /** True while the server drains before exiting: `/healthz` answers 503. Default: never. */
  stopping?: () => boolean;
  /** Failed sign-ins allowed per address and per account. Default 10 and 20 per 15 minutes. */
  loginLimit?: LoginLimit;
  /** Idle and absolute lifetime of a session. Default 8 and 12 hours. */
  sessionLifetime?: SessionLifetime;
  /** Rows per page. Default 50. */
  pageSize?: number;
  /** IANA time zone of the server-rendered times (the browser shows its own when JavaScript runs). Default: the server's. */
  timeZone?: string;
  /** Clock, for the time presets. Default `() => new Date()`. */
  now?: () => Date;
  /** Public keys the Integrity page verifies checkpoints with (given out of band, never read from the cluster). Default: none (the page says how to give them). */
  verifyKeys?: readonly VerifyKey[];
  /** Where the Integrity page keeps the last report of each namespace (`<dir>/<namespace>.json`). Default: in memory only (startWebServer: `<dataDir>/integrity`). */
  integrityDir?: string;
}

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** True for errors meaning "OpenSearch does not answer" (connection refused, timeout, no living node, 5xx). */
export function isStorageUnavailable(error: unknown): boolean {
  const decoded = decodeOpenSearchError(error);
  return decoded.unreachable || (decoded.status ?? 0) >= 500;
}

/** Builds the app; listen on it yourself (or use startWebServer). */
export function createWebApp(options: WebAppOptions): Express {
  const secrets = [options.sessionSecret].flat();
  if (!secrets.length || secrets.some((s) => s.length < 32)) throw new ConfigurationError('sessionSecret', 'must be at least 32 characters');
  const pageSize = options.pageSize ?? 50;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) throw new ConfigurationError('pageSize', 'must be an integer from 1 to 200');
  const app = express();
  app.disable('x-powered-by');
  const trustProxy = options.trustProxy === undefined || options.trustProxy === false ? false : parseTrustProxy([options.trustProxy].flat().join(','), 'trustProxy');
  if (trustProxy !== false) app.set('trust proxy', trustProxy);
  // The views use Handlebars' own helpers only: with knownHelpersOnly a {{value}} compiles to a plain lookup, not a helper check.
  app.engine('hbs', engine({ extname: '.hbs', defaultLayout: 'main', layoutsDir: here('./views/layouts'), partialsDir: here('./views/partials'), compilerOptions: { preventIndent: true, knownHelpersOnly: true } }));
  app.set('view engine', 'hbs');
  app.set('views', here('./views'));
  // Templates compiled once, not read and compiled again on every request (Express caches views only in production).
  app.set('view cache', true);
  app.use(helmet({ hsts: options.secure ?? false, contentSecurityPolicy: { directives: { upgradeInsecureRequests: options.secure ? [] : null } } }));
  app.use('/static', express.static(here('./public'), { maxAge: '1h' }));
  app.get('/healthz', healthCheck(options.client, options.stopping ?? (() => false)));
  const machine = machineAccess(options);
  app.use('/api', machine.api);
  app.use(express.urlencoded({ extended: false, limit: '10kb' }));
  app.use((_req, res, next) => {
    // Audit data must not outlive the sign-out in the browser's cache: no dynamic answer is stored.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(sessionMiddleware({ db: options.sessionDb, secret: secrets, secure: options.secure ?? false, ...(options.sessionLifetime ? { lifetime: options.sessionLifetime } : {}) }));
  const { csrfSynchronisedProtection, generateToken } = csrfSync({ getTokenFromRequest: (req) => (req.body as Record<string, string> | undefined)?._csrf });
  const csrfToken = (req: express.Request): string => generateToken(req);
  app.use((req, res, next) => {
    // The layout's sign-out form needs the user and a token on every page, error pages included.
    const user = signedInUser(req, options.users);
    res.locals.user = user;
    if (user) res.locals.csrf = csrfToken(req);
    // The navigation shows Manage > Tokens to those who may open it.
    res.locals.canManageTokens = user !== undefined && (TOKEN_MANAGER_ROLES as readonly string[]).includes(user.role);
    next();
  });
  app.use(machine.signIn);
  // The sign-in form is checked without a session (none is stored before sign-in); every other form by the session's token.
  const loginForm = loginCsrf(secrets[0]!, options.secure ?? false);
  app.post('/login', ...loginLimiter(options.loginLimit), loginForm.check);
  app.use((req, res, next) => (req.method === 'POST' && req.path === '/login' ? next() : csrfSynchronisedProtection(req, res, next)));
  app.get('/', (_req, res) => res.redirect(303, '/manage/audit'));
  app.use(authRoutes(options.users, loginForm.token, options.onAuditorAction, options.now, machine.endProviderSession));
  app.use(machine.liveTail);
  const now = options.now ?? (() => new Date());
  const namespace = options.index ? namespaceOfIndex(options.index) : undefined;
  const runner = new IntegrityRunner({ client: options.client, keys: options.verifyKeys ?? [], store: new ReportStore(options.integrityDir), now });
  app.use(integrityRoutes({ client: options.client, users: options.users, runner, now, csrfToken, ...(namespace ? { namespace } : {}), ...(options.onAuditorAction ? { onAuditorAction: options.onAuditorAction } : {}), ...(options.timeZone ? { timeZone: options.timeZone } : {}) }));
  app.use(tokenRoutes({ users: options.users, tokens: machine.tokens, now, csrfToken, ...(options.onAuditorAction ? { onAuditorAction: options.onAuditorAction } : {}), ...(options.timeZone ? { timeZone: options.timeZone } : {}) }));
  app.use(auditRoutes({ client: options.client, users: options.users, pageSize, ...(options.onAuditorAction ? { onAuditorAction: options.onAuditorAction } : {}), now: options.now ?? (() => new Date()), csrfToken, ...(options.index ? { index: options.index } : {}), ...(options.timeZone ? { timeZone: options.timeZone } : {}) }));
  app.use((req, res) => {
    res.status(404).render('message', { title: 'Not found', heading: 'Page not found', message: `There is nothing at ${req.path}.`, back: '/manage/audit' });
  });
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const e = error as { code?: string; status?: number };
    if (e.code === 'EBADCSRFTOKEN') {
      res.status(403).render('message', { title: 'Form expired', heading: 'This form has expired', message: 'The request did not carry a valid form token (it may be old, or sent from another site). Go back, reload the page and try again.', back: '/login' });
    } else if (isStorageUnavailable(error)) {
      res.status(503).setHeader('Retry-After', '30');
      res.render('message', { title: 'Audit store unavailable', heading: 'The audit store is not answering', message: 'OpenSearch, where the audit events are kept, does not answer right now. Try again in a minute; if it lasts, ask an administrator to check OpenSearch (audit-trail opensearch status).' });
    } else if (e.status && e.status >= 400 && e.status < 500) {
      res.status(e.status).render('message', { title: 'Bad request', heading: 'The request could not be understood', message: 'Check the address or form and try again.' });
    } else {
      console.error(`[web] ${req.method} ${req.originalUrl} failed:`, error);
      res.status(500).render('message', { title: 'Error', heading: 'Something went wrong', message: 'The error was logged on the server. Try again; if it lasts, tell an administrator.' });
    }
  };
  app.use(onError);
  return app;
}
