// API tokens: stored as hashes only, shown once by `audit-trail tokens create`, expiring, revocable, listed with their last use; the settings of the API and of single sign-on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from '../helpers/chai.js';
import { ConfigurationError } from '../../src/model/errors.js';
import { TokenError, TokenStore, parseExpiry } from '../../src/web/api/token-store.js';
import { tokensCommand } from '../../src/cli/tokens.js';
import { EXIT, UsageError, type CliContext } from '../../src/cli/command.js';
import { webSettingsFromEnvironment } from '../../src/web/settings.js';
import { roleFromClaims } from '../../src/web/oidc/role-claim.js';
import { postLogoutRedirectUriOf } from '../../src/web/oidc/oidc-settings.js';
import { testOpenSearchUrl } from '../helpers/opensearch.js';
import { useAuditNamespace } from '../helpers/namespace.js';

const T0 = new Date('2026-11-24T10:00:00Z');

describe('API tokens', () => {
  describe('the store', () => {
    let db: Database.Database;
    let tokens: TokenStore;
    beforeEach(() => {
      db = new Database(':memory:');
      tokens = new TokenStore(db);
    });
    afterEach(() => db.close());

    it('keeps only a SHA-256 hash: the token is nowhere in the database', () => {
      const { secret } = tokens.create('siem', 'auditor', '90d', T0);
      expect(secret).to.match(/^atr_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      const dump = JSON.stringify(db.prepare('SELECT * FROM api_tokens').all(), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v));
      // The random part is the last 43 characters (it may hold '_' itself, so splitting on '_' would cut it short).
      expect(dump).not.to.include(secret.slice(-43));
      expect(dump).to.include('siem');
    });

    it('accepts its token until it expires or is revoked, and says which', () => {
      const { secret } = tokens.create('siem', 'auditor', '12h', T0);
      expect(tokens.authenticate(secret, new Date(T0.getTime() + 11 * 3600_000))).to.have.nested.property('token.name', 'siem');
      expect(tokens.authenticate(secret, new Date(T0.getTime() + 12 * 3600_000))).to.deep.equal({ refused: 'expired' });
      tokens.revoke('siem', T0);
      expect(tokens.authenticate(secret, T0)).to.deep.equal({ refused: 'revoked' });
      expect(tokens.authenticate(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, T0)).to.deep.equal({ refused: 'unknown' });
      expect(tokens.authenticate('Bearer nonsense', T0)).to.deep.equal({ refused: 'malformed' });
    });

    it('records the last use at most once a minute', () => {
      const { secret } = tokens.create('siem', 'auditor', '90d', T0);
      tokens.authenticate(secret, new Date(T0.getTime() + 1000));
      tokens.authenticate(secret, new Date(T0.getTime() + 30_000));
      expect(tokens.list()[0]!.lastUsedAt).to.deep.equal(new Date(T0.getTime() + 1000));
      tokens.authenticate(secret, new Date(T0.getTime() + 70_000));
      expect(tokens.list()[0]!.lastUsedAt).to.deep.equal(new Date(T0.getTime() + 70_000));
    });

    it('refuses a taken name, a bad name, a bad role and an expiry beyond a year', () => {
      tokens.create('siem', 'auditor', '90d', T0);
      expect(() => tokens.create('siem', 'auditor')).to.throw(TokenError, /exists/).with.property('problem', 'taken');
      expect(() => tokens.create('Not OK', 'auditor')).to.throw(TokenError, /not valid/).with.property('problem', 'invalid');
      expect(() => tokens.create('x', 'root' as never)).to.throw(TokenError, /'root' is not a role/);
      expect(() => parseExpiry('367d')).to.throw(TokenError, /at most 366d/);
      expect(() => parseExpiry('soon')).to.throw(TokenError);
      expect(parseExpiry('12h')).to.equal(12 * 3600_000);
      expect(() => tokens.revoke('nope')).to.throw(TokenError, /no token named 'nope'/).with.property('problem', 'unknown');
    });
  });

  describe('audit-trail tokens', () => {
    let dir: string;
    let lines: string[];
    // Each change is recorded as an audit event in the cluster the web view reads (test/cli/auditors.test.ts checks them).
    const audited = useAuditNamespace();
    const ctx = (): CliContext => ({ env: { AUDIT_WEB_DATA_DIR: dir, OPENSEARCH_URL: testOpenSearchUrl(), AUDIT_WEB_NAMESPACE: audited.namespace }, out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`), stdin: (async function* () {})(), secrets: new Set() });
    const run = (...args: string[]): Promise<number> => tokensCommand.run(args, ctx());
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'audit-tokens-'));
      lines = [];
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('create prints the token once; list shows name, role, expiry, last use and state, never the token', async () => {
      expect(await run('create', 'siem', '--role', 'auditor', '--expires', '30d')).to.equal(EXIT.ok);
      const token = /^token: (atr_\S+)$/m.exec(lines.join('\n'))![1]!;
      expect(lines.join('\n')).to.include('shown once');
      lines = [];
      expect(await run('list')).to.equal(EXIT.ok);
      expect(lines[0]).to.equal('name\trole\tcreated\texpires\tlast_used\tstate');
      expect(lines[1]).to.match(/^siem\tauditor\t\S+Z\t\S+Z\t-\tactive$/);
      expect(lines.join('\n')).not.to.include(token);
      expect(await run('revoke', 'siem')).to.equal(EXIT.ok);
      lines = [];
      await run('list');
      expect(lines[1]).to.match(/\trevoked$/);
    });

    it('usage errors: no role, a bad role, a bad expiry (in the words of the store’s rules), --role with list', async () => {
      await expect(run('create', 'siem')).to.be.rejectedWith(UsageError, /needs --role/);
      await expect(run('create', 'siem', '--role', 'root')).to.be.rejectedWith(UsageError, "--role: 'root' is not a role: use one of site_manager, auditor, member");
      await expect(run('create', 'siem', '--role', 'auditor', '--expires', '2y')).to.be.rejectedWith(UsageError, "--expires: expiry '2y' is not valid");
      await expect(run('list', '--role', 'auditor')).to.be.rejectedWith(UsageError, /go with create/);
    });
  });
});

describe('settings of the API and of single sign-on', () => {
  const oidc = { AUDIT_WEB_OIDC_ISSUER: 'https://idp.example.com', AUDIT_WEB_OIDC_CLIENT_ID: 'audit', AUDIT_WEB_OIDC_REDIRECT_URI: 'https://audit.example.com/auth/oidc/callback' };

  it('reads CORS origins, the rate limit and the OIDC settings; none of them by default', () => {
    expect(webSettingsFromEnvironment({})).not.to.have.any.keys('oidc', 'apiCorsOrigins', 'apiRateLimit');
    const s = webSettingsFromEnvironment({ ...oidc, AUDIT_WEB_OIDC_ROLE_CLAIM: 'groups', AUDIT_WEB_OIDC_ROLE_MAP: 'audit-admins=site_manager, auditors=auditor', AUDIT_WEB_API_CORS_ORIGINS: 'https://siem.example.com,http://localhost:8080', AUDIT_WEB_API_RATE_LIMIT: '120' });
    expect(s.oidc).to.deep.equal({ issuer: oidc.AUDIT_WEB_OIDC_ISSUER, clientId: 'audit', redirectUri: oidc.AUDIT_WEB_OIDC_REDIRECT_URI, roleClaim: 'groups', roleMap: { 'audit-admins': 'site_manager', auditors: 'auditor' } });
    expect(s.apiCorsOrigins).to.deep.equal(['https://siem.example.com', 'http://localhost:8080']);
    expect(s.apiRateLimit).to.equal(120);
  });

  it('refuses half an OIDC setup, plain http off loopback, a bad role map, a bad origin, naming the variable', () => {
    expect(() => webSettingsFromEnvironment({ AUDIT_WEB_OIDC_ISSUER: oidc.AUDIT_WEB_OIDC_ISSUER })).to.throw(ConfigurationError, /"AUDIT_WEB_OIDC_CLIENT_ID" is not set/);
    expect(() => webSettingsFromEnvironment({ ...oidc, AUDIT_WEB_OIDC_ISSUER: 'http://idp.example.com' })).to.throw(ConfigurationError, /"AUDIT_WEB_OIDC_ISSUER" must be an https URL/);
    expect(webSettingsFromEnvironment({ ...oidc, AUDIT_WEB_OIDC_ISSUER: 'http://127.0.0.1:4000' }).oidc?.issuer).to.equal('http://127.0.0.1:4000');
    expect(() => webSettingsFromEnvironment({ ...oidc, AUDIT_WEB_OIDC_ROLE_MAP: 'admins=root' })).to.throw(ConfigurationError, /"AUDIT_WEB_OIDC_ROLE_MAP" has "admins=root"/);
    expect(() => webSettingsFromEnvironment({ AUDIT_WEB_API_CORS_ORIGINS: 'https://siem.example.com/path' })).to.throw(ConfigurationError, /"AUDIT_WEB_API_CORS_ORIGINS"/);
    expect(() => webSettingsFromEnvironment({ AUDIT_WEB_API_RATE_LIMIT: 'lots' })).to.throw(ConfigurationError, /"AUDIT_WEB_API_RATE_LIMIT"/);
  });

  it('the post-logout redirect URI: the setting, checked like the other URLs; by default the web view’s /login', () => {
    expect(postLogoutRedirectUriOf(webSettingsFromEnvironment(oidc).oidc!)).to.equal('https://audit.example.com/login');
    const set = webSettingsFromEnvironment({ ...oidc, AUDIT_WEB_OIDC_POST_LOGOUT_REDIRECT_URI: 'https://audit.example.com/signed-out' }).oidc!;
    expect(set.postLogoutRedirectUri).to.equal('https://audit.example.com/signed-out');
    expect(postLogoutRedirectUriOf(set)).to.equal('https://audit.example.com/signed-out');
    expect(() => webSettingsFromEnvironment({ ...oidc, AUDIT_WEB_OIDC_POST_LOGOUT_REDIRECT_URI: 'http://audit.example.com/login' })).to.throw(ConfigurationError, /"AUDIT_WEB_OIDC_POST_LOGOUT_REDIRECT_URI" must be an https URL/);
  });

  it('maps the role claim: the strongest mapped role wins; no mapped value, no role', () => {
    expect(roleFromClaims({ roles: ['member', 'auditor'] }, 'roles')).to.equal('auditor');
    expect(roleFromClaims({ roles: 'auditor site_manager' }, 'roles')).to.equal('site_manager');
    expect(roleFromClaims({ realm_access: { roles: ['auditors'] } }, 'realm_access.roles', { auditors: 'auditor' })).to.equal('auditor');
    expect(roleFromClaims({ groups: ['auditor'] }, 'groups', { auditors: 'auditor' }), 'with a map, only mapped values count').to.equal(undefined);
    expect(roleFromClaims({ email: 'x@example.com' }, 'roles')).to.equal(undefined);
  });
});
