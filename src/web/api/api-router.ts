// The JSON API under /api, mounted before the session middleware (no cookie is read, so there is no CSRF surface): CORS, tokens, limits, events, its OpenAPI document.
import { Router, type ErrorRequestHandler } from 'express';
import cors from 'cors';
import type { Client } from '@opensearch-project/opensearch';
import { decodeOpenSearchError } from '../../storage/opensearch-error.js';
import { reportAuditorAction, requestSource, type AuditorActionHook } from '../auditor-action.js';
import { apiTokenOf, bearerAuth, refusedLimiter, requireAuditRole, sendApiError, tokenLimiter, type ApiRateLimit } from './bearer-auth.js';
import { eventRoutes, type ApiCallTarget } from './event-routes.js';
import { openApiDocument } from './openapi.js';
import type { TokenStore } from './token-store.js';

/** Where the OpenAPI document is served, under the API's mount point. */
export const OPENAPI_PATH = '/v1/openapi.json';

export interface ApiRouterOptions {
  client: Client;
  tokens: TokenStore;
  index?: string;
  now: () => Date;
  /** Version written into the OpenAPI document. */
  version: string;
  rateLimit?: ApiRateLimit;
  /** Browser origins allowed to call the API (CORS). Default: none. */
  corsOrigins?: readonly string[];
  onAuditorAction?: AuditorActionHook;
}

const KINDS = [
  [/^\/v1\/events\/?$/, 'api.events.list'],
  [/^\/v1\/events\/[^/]+$/, 'api.events.get'],
] as const;

export function apiRouter(options: ApiRouterOptions): Router {
  const router = Router();
  if (options.corsOrigins?.length) {
    router.use(cors({ origin: [...options.corsOrigins], methods: ['GET'], allowedHeaders: ['Authorization'], exposedHeaders: ['RateLimit', 'RateLimit-Policy', 'Retry-After'], credentials: false, maxAge: 600 }));
  }
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.get(OPENAPI_PATH, (_req, res) => {
    res.json(openApiDocument(options.version));
  });
  router.use(refusedLimiter(options.rateLimit));
  router.use(bearerAuth(options.tokens, options.now));
  router.use((req, res, next) => {
    const kind = KINDS.find(([pattern]) => pattern.test(req.path))?.[1];
    const token = apiTokenOf(res)!;
    const time = options.now();
    if (kind) {
      res.on('close', () => {
        const ok = res.statusCode < 400;
        const target = (res.locals.auditTarget ?? {}) as ApiCallTarget;
        reportAuditorAction(options.onAuditorAction, {
          kind,
          time,
          outcome: ok ? 'success' : 'failure',
          ...(ok ? {} : { reason: (res.locals.apiError as string | undefined) ?? `HTTP ${res.statusCode}` }),
          actor: { type: 'token', name: token.name, role: token.role },
          target: { ...target, status: res.statusCode },
          source: requestSource(req),
        });
      });
    }
    next();
  });
  router.use(tokenLimiter(options.rateLimit));
  router.use(requireAuditRole());
  router.use(eventRoutes(options));
  router.use((req, res) => sendApiError(res, 'not_found', `there is nothing at ${req.method} ${req.baseUrl}${req.path}: see ${req.baseUrl}${OPENAPI_PATH}`));
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const decoded = decodeOpenSearchError(error);
    if (decoded.unreachable || (decoded.status ?? 0) >= 500) {
      res.setHeader('Retry-After', '30');
      sendApiError(res, 'unavailable', 'OpenSearch, where the audit events are kept, does not answer right now; try again in a minute');
    } else if ((error as { status?: number }).status === 400) {
      sendApiError(res, 'bad_request', 'the request could not be read');
    } else {
      console.error(`[web] ${req.method} ${req.originalUrl} failed:`, error);
      sendApiError(res, 'internal', 'something went wrong; the error was logged on the server');
    }
  };
  router.use(onError);
  return router;
}
