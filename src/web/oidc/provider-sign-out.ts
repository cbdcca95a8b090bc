// Sign-out at the identity provider (OpenID Connect RP-Initiated Logout 1.0, through openid-client): once the local session has ended, the browser goes on to the provider's end-session endpoint with the ID token as hint.
import { Router, type Request, type Response } from 'express';
import * as oidc from 'openid-client';
import { SESSION_COOKIE } from '../auth/session.js';
import { OIDC_END_SESSION_PATH, postLogoutRedirectUriOf, type OidcSettings } from './oidc-settings.js';
import type { SsoSession } from './sso-session.js';

/**
 * What became of the session at the provider: the browser was sent to its end-session endpoint (`requested`: the
 * provider may still ask the person to confirm), the provider advertises no `end_session_endpoint` (`not offered`),
 * or it did not answer (`unavailable`: its session may still be open, and the page says so).
 */
export type ProviderSignOut = 'requested' | 'not offered' | 'unavailable';

/**
 * Called by the sign-out after the local session has ended, for a single sign-on user: says what became of the
 * provider's session and whether it answered the request (else the sign-out goes on as for a local user).
 */
export type EndProviderSession = (req: Request, res: Response, sso: SsoSession) => Promise<{ atProvider: ProviderSignOut; answered: boolean }>;

/** How long the sign-out waits for the provider's discovery document (read once per process; later sign-outs need no request). */
const PROVIDER_WAIT_MS = 5_000;
/** How long the way on to the provider stays open after the sign-out. */
const PENDING_MS = 5 * 60_000;

const within = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });

const saved = (req: Request): Promise<void> => new Promise((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));

/**
 * The end-session step of the sign-out. The end-session URL carries the ID token, so it is neither put in the page
 * nor in a cookie: it waits in a new, anonymous server-side session, and the page (a meta refresh, no JavaScript
 * needed) sends the browser to OIDC_END_SESSION_PATH, which redirects there. A form's redirect straight to the
 * provider would be stopped by the page's `form-action 'self'` policy.
 */
export function endProviderSession(settings: OidcSettings, configuration: () => Promise<oidc.Configuration>, now: () => Date): EndProviderSession {
  return async (req, res, sso) => {
    // A session from a provider no longer configured: nothing to end here.
    if (sso.issuer !== settings.issuer) return { atProvider: 'not offered', answered: false };
    let config: oidc.Configuration;
    try {
      config = await within(configuration(), PROVIDER_WAIT_MS);
    } catch (error) {
      console.error(`[web] sign-out: the identity provider at ${settings.issuer} does not answer:`, (error as Error).message);
      res.clearCookie(SESSION_COOKIE);
      res.render('message', {
        title: 'Signed out',
        heading: 'You are signed out of the audit trail',
        message: `The identity provider (${settings.issuer}) did not answer, so your session there may still be open: sign out there yourself, or close the browser.`,
        link: { href: '/login', text: 'Sign in again' },
      });
      return { atProvider: 'unavailable', answered: true };
    }
    if (!config.serverMetadata().end_session_endpoint) return { atProvider: 'not offered', answered: false };
    const url = oidc.buildEndSessionUrl(config, {
      post_logout_redirect_uri: postLogoutRedirectUriOf(settings),
      ...(sso.idToken ? { id_token_hint: sso.idToken } : {}),
    });
    req.sessionStore.generate(req);
    req.session.providerSignOut = { url: url.href, until: now().getTime() + PENDING_MS };
    // The store forgets this session when its cookie expires: soon, if the browser never comes for the way on.
    req.session.cookie.maxAge = PENDING_MS;
    await saved(req);
    res.render('message', {
      title: 'Signed out',
      heading: 'You are signed out of the audit trail',
      message: 'Now ending your session at the identity provider too…',
      link: { href: OIDC_END_SESSION_PATH, text: 'Continue to the identity provider' },
      refreshTo: OIDC_END_SESSION_PATH,
    });
    return { atProvider: 'requested', answered: true };
  };
}

/** OIDC_END_SESSION_PATH: sends a browser signed out a moment ago on to the provider (once), ending the anonymous session that held the way. */
export function endSessionRoute(now: () => Date): Router {
  const router = Router();
  router.get(OIDC_END_SESSION_PATH, (req, res, next) => {
    const pending = req.session.providerSignOut;
    if (!pending || req.session.user) {
      res.redirect(303, '/login');
      return;
    }
    req.session.destroy((error) => {
      if (error) return next(error);
      res.clearCookie(SESSION_COOKIE);
      res.redirect(303, pending.until > now().getTime() ? pending.url : '/login');
    });
  });
  return router;
}
