// Single sign-on with OpenID Connect (authorization code + PKCE, through openid-client): start at the provider, come back, get a session with the role the claim maps to; sign-out ends the provider's session too.
import { Router, type Request, type Response } from 'express';
import * as oidc from 'openid-client';
import { safeNext } from '../auth-routes.js';
import { reportAuditorAction, requestSource, type AuditorActionHook, type AuditorActor } from '../auditor-action.js';
import { roleFromClaims } from './role-claim.js';
import { OIDC_CALLBACK_PATH, OIDC_DEFAULTS, OIDC_START_PATH, isLoopbackHttp, type OidcSettings } from './oidc-settings.js';
import { endProviderSession, endSessionRoute, type EndProviderSession } from './provider-sign-out.js';
import './sso-session.js';

export interface OidcRouteOptions {
  settings: OidcSettings;
  now: () => Date;
  onAuditorAction?: AuditorActionHook;
}

/** How long a sign-in may take at the provider before its answer is refused. */
export const OIDC_LOGIN_TIMEOUT_MS = 10 * 60_000;

/** Connects to the provider (its discovery document) once, on first use; a failure is tried again next time. */
function providerConfiguration(settings: OidcSettings): () => Promise<oidc.Configuration> {
  let pending: Promise<oidc.Configuration> | undefined;
  return () =>
    (pending ??= (async () => {
      const issuer = new URL(settings.issuer);
      const auth = settings.clientSecret ? oidc.ClientSecretBasic(settings.clientSecret) : oidc.None();
      return oidc.discovery(issuer, settings.clientId, undefined, auth, isLoopbackHttp(issuer) ? { execute: [oidc.allowInsecureRequests] } : {});
    })().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim().slice(0, 128) : undefined);

/** The sign-in routes, and the step of the sign-out that ends the session at the provider (see provider-sign-out.ts). */
export function oidcRoutes(options: OidcRouteOptions): { routes: Router; endProviderSession: EndProviderSession } {
  const { settings } = options;
  const router = Router();
  const configuration = providerConfiguration(settings);
  router.use(endSessionRoute(options.now));
  const roleClaim = settings.roleClaim ?? OIDC_DEFAULTS.roleClaim;

  router.use((req, res, next) => {
    // The sign-in page shows the button when this is set (a link: the form-action policy would stop a form's redirect to the provider).
    const after = safeNext(req.query.next ?? (req.body as Record<string, unknown> | undefined)?.next);
    res.locals.sso = { label: settings.label ?? OIDC_DEFAULTS.label, href: `${OIDC_START_PATH}?next=${encodeURIComponent(after)}` };
    next();
  });

  const refuse = (req: Request, res: Response, status: number, message: string, reason: string, actor: Partial<AuditorActor & { type: 'sso_user' }> = {}): void => {
    reportAuditorAction(options.onAuditorAction, {
      kind: 'sso.sign_in', time: options.now(), outcome: 'failure', reason,
      actor: { type: 'sso_user', issuer: settings.issuer, ...actor }, target: { status }, source: requestSource(req),
    });
    res.status(status).render('message', { title: 'Single sign-on failed', heading: 'Single sign-on did not sign you in', message, back: '/login' });
  };

  router.get(OIDC_START_PATH, async (req, res, next) => {
    let config: oidc.Configuration;
    try {
      config = await configuration();
    } catch (error) {
      console.error(`[web] the identity provider at ${settings.issuer} does not answer:`, (error as Error).message);
      res.status(503).setHeader('Retry-After', '30');
      res.render('message', { title: 'Single sign-on unavailable', heading: 'The identity provider does not answer', message: 'Try again in a minute, or sign in with a local user name and password.', back: '/login' });
      return;
    }
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: settings.redirectUri,
      scope: settings.scopes ?? OIDC_DEFAULTS.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    req.session.oidcLogin = { state, nonce, verifier, next: safeNext(req.query.next), startedAt: options.now().getTime() };
    req.session.save((error) => (error ? next(error) : res.redirect(303, url.href)));
  });

  router.get(OIDC_CALLBACK_PATH, async (req, res, next) => {
    const pending = req.session.oidcLogin;
    // Used once: a replayed answer (same state) finds nothing.
    delete req.session.oidcLogin;
    if (!pending || options.now().getTime() - pending.startedAt > OIDC_LOGIN_TIMEOUT_MS) {
      refuse(req, res, 400, 'This sign-in answer is not one this browser is waiting for: it was already used, it expired, or it was started elsewhere. Start again from the sign-in page.', pending ? 'sign-in took too long' : 'no sign-in under way for this answer (replayed or foreign state)');
      return;
    }
    let claims: Record<string, unknown>;
    let idToken: string | undefined;
    try {
      const config = await configuration();
      const current = new URL(settings.redirectUri);
      current.search = new URL(req.originalUrl, 'http://callback.invalid').search;
      const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true });
      claims = { ...(tokens.claims() ?? {}) };
      idToken = tokens.id_token;
      if (!(roleClaim in claims) && tokens.access_token && config.serverMetadata().userinfo_endpoint) {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub)).catch(() => undefined);
        claims = { ...info, ...claims };
      }
    } catch (error) {
      // openid-client says what kind of check failed; its cause says which (e.g. the "aud" claim, the "state" parameter).
      const cause = (error as { cause?: unknown }).cause;
      const reason = [(error as Error).message, cause instanceof Error ? cause.message : undefined].filter(Boolean).join(': ');
      refuse(req, res, 401, `The identity provider's answer was refused (${reason}). Start again; if it lasts, tell an administrator.`, reason);
      return;
    }
    const subject = String(claims.sub);
    const name = text(claims[settings.nameClaim ?? OIDC_DEFAULTS.nameClaim]) ?? text(claims.email) ?? subject;
    const email = text(claims.email);
    const who = { subject, name, ...(email ? { email } : {}) };
    const role = roleFromClaims(claims, roleClaim, settings.roleMap);
    if (!role) {
      refuse(req, res, 403, `You signed in at the identity provider as ${name}, but your account there gives no role for the audit trail (nothing in the claim '${roleClaim}' maps to one). Ask an administrator to add you to a group that does.`, `no role in the claim '${roleClaim}'`, who);
      return;
    }
    req.session.regenerate((error) => {
      if (error) return next(error);
      req.session.user = { username: name, role };
      // The ID token stays on the server (the session store), for the id_token_hint of the sign-out at the provider.
      req.session.sso = { issuer: settings.issuer, subject, ...(idToken ? { idToken } : {}) };
      req.session.signedInAt = Date.now();
      req.session.save((saveError) => {
        if (saveError) return next(saveError);
        reportAuditorAction(options.onAuditorAction, {
          kind: 'sso.sign_in', time: options.now(), outcome: 'success',
          actor: { type: 'sso_user', issuer: settings.issuer, ...who, role }, target: { status: 303 }, source: requestSource(req),
        });
        res.redirect(303, pending.next);
      });
    });
  });
  return { routes: router, endProviderSession: endProviderSession(settings, configuration, options.now) };
}
