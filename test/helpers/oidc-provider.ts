// A real OpenID Connect provider for the tests (the oidc-provider package) on 127.0.0.1: its dev sign-in form, accounts with role claims, RP-initiated logout, a switch that re-signs ID tokens for another audience and one that makes it stop answering.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** When set, the token endpoint answers ID tokens signed with the provider's key but for this audience. */
  forgeAudience: string | undefined;
  /** When true, every request is answered 503 (the provider is down). */
  down: boolean;
  /** The provider's requests to its end-session endpoint, with their query parameters. */
  endSessionRequests: URLSearchParams[];
  close(): Promise<void>;
}

/**
 * Starts the provider; `accounts` maps a login name to the extra claims of that person. The client's post-logout
 * redirect URI is `postLogoutRedirectUri` (default: `/login` beside the redirect URI, the web view's default);
 * `rpInitiatedLogout: false` leaves out the end-session endpoint.
 */
export async function startProvider(
  redirectUri: string,
  accounts: Record<string, Record<string, unknown>>,
  postLogoutRedirectUri = new URL('/login', redirectUri).href,
  options: { rpInitiatedLogout?: boolean } = {},
): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' } as JWK;
  const clientSecret = randomBytes(24).toString('hex');
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'audit-trail', client_secret: clientSecret, redirect_uris: [redirectUri], post_logout_redirect_uris: [postLogoutRedirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' }],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    pkce: { required: () => true },
    // RP-initiated logout (advertised as end_session_endpoint) unless turned off.
    features: { rpInitiatedLogout: { enabled: options.rpInitiatedLogout ?? true } },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name', 'roles', 'groups'], email: ['email'] },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, preferred_username: id, email: `${id}@example.com`, ...accounts[id] }) }),
  });
  const handle: TestProvider = { issuer, clientId: 'audit-trail', clientSecret, forgeAudience: undefined, down: false, endSessionRequests: [], close: async () => undefined };
  const key = await importJWK(jwk, 'RS256');
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path === '/token' && handle.forgeAudience && body?.id_token) {
      const claims = decodeJwt(body.id_token);
      const forged = await new SignJWT({ ...claims, aud: handle.forgeAudience }).setProtectedHeader(decodeProtectedHeader(body.id_token) as { alg: string }).sign(key);
      ctx.body = { ...body, id_token: forged };
    }
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (handle.down) {
      res.writeHead(503).end();
      return;
    }
    const url = new URL(req.url ?? '/', issuer);
    if (req.method === 'GET' && url.pathname === '/session/end') handle.endSessionRequests.push(url.searchParams);
    void callback(req, res);
  });
  handle.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return handle;
}
