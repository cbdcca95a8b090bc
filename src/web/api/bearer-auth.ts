// The API's access rule: a bearer token (never a cookie), of an audit role, within its rate limit; JSON errors that say what to do.
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AUDIT_ROLES } from '../../model/vocabulary.js';
import type { ApiToken, TokenRefusal, TokenStore } from './token-store.js';

export interface ApiRateLimit {
  /** Window in ms. Default 1 minute. */
  windowMs?: number;
  /** Requests allowed per token and window. Default 600. */
  max?: number;
  /** Requests with a missing or refused token allowed per address and window. Default 60. */
  maxRefusedPerAddress?: number;
}

/** Error codes of the API, with their HTTP status. */
export const API_ERRORS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
} as const;
export type ApiErrorCode = keyof typeof API_ERRORS;

/** Answers `{ "error": { "code", "message", "details"? } }` with the code's status (the message is kept for the auditor hook). */
export function sendApiError(res: Response, code: ApiErrorCode, message: string, details?: string[]): void {
  res.locals.apiError = details?.length ? `${message}: ${details.join('; ')}` : message;
  res.status(API_ERRORS[code]).json({ error: { code, message, ...(details?.length ? { details } : {}) } });
}

/** The token of a request that passed bearerAuth. */
export const apiTokenOf = (res: Response): ApiToken | undefined => res.locals.apiToken as ApiToken | undefined;

const REFUSALS: Record<TokenRefusal | 'missing', string> = {
  missing: "this API takes a token, not a cookie: send 'Authorization: Bearer atr_…' (a site manager creates one with 'audit-trail tokens create NAME --role auditor')",
  malformed: "the bearer token is not one this server issued (they look like atr_…); check that it was copied whole",
  unknown: 'the bearer token is not known here: it may belong to another server, or have been mistyped',
  expired: "the bearer token has expired: ask a site manager for a new one ('audit-trail tokens create')",
  revoked: 'the bearer token was revoked: ask a site manager for a new one',
};

/** Reads `Authorization: Bearer …`; 401 when missing or refused, 403 for a member's token. */
export function bearerAuth(tokens: TokenStore, now: () => Date): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const result = match ? tokens.authenticate(match[1]!, now()) : ({ refused: 'missing' } as const);
    if ('refused' in result) {
      res.setHeader('WWW-Authenticate', `Bearer realm="audit-trail"${result.refused === 'missing' ? '' : ', error="invalid_token"'}`);
      sendApiError(res, 'unauthorized', REFUSALS[result.refused]);
      return;
    }
    res.locals.apiToken = result.token;
    next();
  };
}

/** 403 unless the token's role may read the audit log (a member's token is refused like a member on the page). */
export function requireAuditRole(): RequestHandler {
  return (_req, res, next) => {
    const token = apiTokenOf(res)!;
    if (!(AUDIT_ROLES as readonly string[]).includes(token.role)) {
      sendApiError(res, 'forbidden', `the token '${token.name}' has the role '${token.role}'. Only ${AUDIT_ROLES.join(' and ')} may read the audit log; ask a site manager for a token of one of those roles.`);
      return;
    }
    next();
  };
}

const tooMany = (req: Request, res: Response, windowMs: number): void => {
  const seconds = Math.ceil(windowMs / 1000);
  sendApiError(res, 'too_many_requests', `too many requests: wait up to ${seconds} seconds (see the RateLimit and Retry-After headers)`);
};

/** Limits requests per token (after bearerAuth). */
export function tokenLimiter(limit: ApiRateLimit = {}): RequestHandler {
  const windowMs = limit.windowMs ?? 60_000;
  return rateLimit({
    windowMs,
    limit: limit.max ?? 600,
    keyGenerator: (_req, res) => `token:${apiTokenOf(res)!.name}`,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => tooMany(req, res, windowMs),
  });
}

/** Limits requests whose token is missing or refused, per address (before bearerAuth): guessing is slowed down. */
export function refusedLimiter(limit: ApiRateLimit = {}): RequestHandler {
  const windowMs = limit.windowMs ?? 60_000;
  return rateLimit({
    windowMs,
    limit: limit.maxRefusedPerAddress ?? 60,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => tooMany(req, res, windowMs),
  });
}
