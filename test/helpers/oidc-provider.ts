// A real OpenID Connect provider for the tests (the oidc-provider package) on 127.0.0.1: its dev sign-in form, accounts with role claims, and a switch that re-signs ID tokens for another audience.
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
  close(): Promise<void>;
}

/** Starts the provider; `accounts` maps a login name to the extra claims of that person. */
export async function startProvider(redirectUri: string, accounts: Record<string, Record<string, unknown>>): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' } as JWK;
  const clientSecret = randomBytes(24).toString('hex');
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'audit-trail', client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' }],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name', 'roles', 'groups'], email: ['email'] },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, preferred_username: id, email: `${id}@example.com`, ...accounts[id] }) }),
  });
  const handle: TestProvider = { issuer, clientId: 'audit-trail', clientSecret, forgeAudience: undefined, close: async () => undefined };
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
  server.on('request', provider.callback());
  handle.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return handle;
}
