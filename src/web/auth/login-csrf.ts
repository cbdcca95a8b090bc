// The sign-in form's CSRF check without a stored session: a signed double-submit token (a random nonce in a cookie, its HMAC in the form).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

/** Cookie holding the visitor's nonce; sent back only to the sign-in form. */
export const LOGIN_COOKIE = 'audit_trail.login';

const NONCE = /^[A-Za-z0-9_-]{43}$/;

export interface LoginCsrf {
  /** The form token for this visitor, setting the nonce cookie when the visitor has none. Stores nothing on the server. */
  token(req: Request, res: Response): string;
  /** Passes a POST whose form token is the HMAC of the cookie's nonce; else fails with the CSRF error (403 page). */
  check: RequestHandler;
}

function cookieNonce(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (part.slice(0, at).trim() === LOGIN_COOKIE) {
      const value = part.slice(at + 1).trim();
      return NONCE.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** `secret` is the session secret; the tokens use a key derived from it for this purpose alone. */
export function loginCsrf(secret: string, secure: boolean): LoginCsrf {
  const key = createHmac('sha256', secret).update('audit-trail sign-in form token').digest();
  const sign = (nonce: string): Buffer => createHmac('sha256', key).update(nonce).digest();
  return {
    token(req, res) {
      let nonce = cookieNonce(req);
      if (!nonce) {
        nonce = randomBytes(32).toString('base64url');
        res.cookie(LOGIN_COOKIE, nonce, { httpOnly: true, sameSite: 'strict', secure, path: '/login' });
      }
      return sign(nonce).toString('base64url');
    },
    check(req, _res, next) {
      const nonce = cookieNonce(req);
      const sent = (req.body as Record<string, unknown> | undefined)?._csrf;
      const given = typeof sent === 'string' ? Buffer.from(sent, 'base64url') : Buffer.alloc(0);
      const ok = nonce !== undefined && given.length === 32 && timingSafeEqual(given, sign(nonce));
      next(ok ? undefined : Object.assign(new Error('invalid sign-in form token'), { code: 'EBADCSRFTOKEN', status: 403 }));
    },
  };
}
