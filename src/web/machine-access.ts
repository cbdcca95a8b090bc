// What machines and single sign-on add to the web app: the JSON API, OpenID Connect sign-in, the live tail, and the hook that reports auditors' actions.
import { readFileSync } from 'node:fs';
import { Router } from 'express';
import type Database from 'better-sqlite3';
import type { Client } from '@opensearch-project/opensearch';
import type { UserStore } from './auth/users.js';
import { DEFAULT_SESSION_HOURS, type SessionLifetime } from './auth/session.js';
import type { AuditorActionHook } from './auditor-action.js';
import { apiRouter } from './api/api-router.js';
import type { ApiRateLimit } from './api/bearer-auth.js';
import { TokenStore } from './api/token-store.js';
import { oidcRoutes } from './oidc/oidc-routes.js';
import type { EndProviderSession } from './oidc/provider-sign-out.js';
import type { OidcSettings } from './oidc/oidc-settings.js';
import { liveTailRoutes, type LiveTailOptions } from './live-tail.js';

/** Options of the web app for the API, single sign-on and the live tail. */
export interface MachineAccessOptions {
  /** API bearer tokens, for the API and Manage > Tokens. Default: the `api_tokens` table of `sessionDb` (where `audit-trail tokens` writes). */
  tokens?: TokenStore;
  /** API rate limits. Default: 600 requests a minute per token; 60 refused (401) requests a minute per address. */
  apiRateLimit?: ApiRateLimit;
  /** Browser origins allowed to call the API (CORS). Default: none (no CORS header is ever sent). */
  apiCorsOrigins?: readonly string[];
  /** Single sign-on with OpenID Connect beside the local users. Default: off. */
  oidc?: OidcSettings;
  /** Live tail on Manage > Audit; `false` turns it off. Default: on, each open page polling every 2 s. */
  liveTail?: LiveTailOptions | false;
  /**
   * Called for every API call made with a valid token and every single sign-on attempt, with who did what
   * (see AuditorAction), so that these reads of the audit log can be recorded as audit events. Not awaited;
   * an error it throws is logged and ignored. Default: none.
   */
  onAuditorAction?: AuditorActionHook;
}

interface Context extends MachineAccessOptions {
  client: Client;
  users: UserStore;
  sessionDb: Database.Database;
  index?: string;
  now?: () => Date;
  stopping?: () => boolean;
  sessionLifetime?: SessionLifetime;
}

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The routers to mount: `api` under /api before the session middleware, `signIn` and `liveTail` after it; with single
 * sign-on, the step of the sign-out that ends the session at the provider; and the token store (the API's, which
 * Manage > Tokens shares).
 */
export function machineAccess(options: Context): { api: Router; signIn: Router; liveTail: Router; endProviderSession?: EndProviderSession; tokens: TokenStore } {
  const now = options.now ?? (() => new Date());
  const index = options.index ? { index: options.index } : {};
  const tokens = options.tokens ?? new TokenStore(options.sessionDb);
  const api = apiRouter({
    client: options.client,
    tokens,
    now,
    version: VERSION,
    ...index,
    ...(options.apiRateLimit ? { rateLimit: options.apiRateLimit } : {}),
    ...(options.apiCorsOrigins ? { corsOrigins: options.apiCorsOrigins } : {}),
    ...(options.onAuditorAction ? { onAuditorAction: options.onAuditorAction } : {}),
  });
  const sso = options.oidc ? oidcRoutes({ settings: options.oidc, now, ...(options.onAuditorAction ? { onAuditorAction: options.onAuditorAction } : {}) }) : undefined;
  const liveTail =
    options.liveTail === false
      ? Router()
      : liveTailRoutes({ client: options.client, users: options.users, now, stopping: options.stopping ?? (() => false), sessionAbsoluteMs: options.sessionLifetime?.absoluteMs ?? DEFAULT_SESSION_HOURS * 3600_000, ...index, ...options.liveTail });
  return { api, signIn: sso?.routes ?? Router(), liveTail, tokens, ...(sso ? { endProviderSession: sso.endProviderSession } : {}) };
}
