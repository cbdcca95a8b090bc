import type { Client } from '@opensearch-project/opensearch';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { dataStreamName } from '../../src/storage/template.js';
import Database from 'better-sqlite3';
import type { Express } from 'express';
import { createWebApp } from '../../src/web/web-app.js';
import { UserStore } from '../../src/web/auth/users.js';
import { AUDIT_ROLES, ROLES, type Role } from '../../src/model/vocabulary.js';
import type { AuditEvent } from '../../src/model/event.js';
import { ACCOUNTS, HttpSession, PASSWORD, seedEvents, startHarness, type Harness } from './harness.js';
import { NOW, knownEvents } from './known-events.js';
import { keyPair } from '../helpers/chains.js';

/** The little of an Express 5 router layer the route list needs. */
interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
  rawPath?: unknown;
}

/** Every route the app registers, as `METHOD /path`, through mounted routers (Express 5's router stack). */
function registeredRoutes(app: Express): string[] {
  const walk = (stack: RouterLayer[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        if (typeof layer.route.path !== 'string') throw new Error(`route path ${String(layer.route.path)} is not a string: teach the matrix`);
        const path = prefix + layer.route.path;
        return Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]).map((m) => `${m.toUpperCase()} ${path}`);
      }
      if (!layer.handle.stack) return [];
      if (typeof layer.rawPath !== 'string') throw new Error(`router mounted at ${String(layer.rawPath)}: teach the matrix`);
      return walk(layer.handle.stack, prefix + (layer.rawPath === '/' ? '' : layer.rawPath));
    });
  return walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '');
}

/** Who may open what, and what the others are told: every protected path falls under one of these. */
const PAGES: { prefix: string; roles: readonly Role[]; refusal: string }[] = [
  { prefix: '/manage/audit', roles: AUDIT_ROLES, refusal: 'Only site_manager and auditor may see the audit log' },
  { prefix: '/manage/integrity', roles: AUDIT_ROLES, refusal: 'Only site_manager and auditor may see the audit log' },
  { prefix: '/manage/tokens', roles: ['site_manager'], refusal: 'Only site_manager may manage the API tokens' },
];
const pageOf = (path: string): (typeof PAGES)[number] => {
  const page = PAGES.find((p) => path === p.prefix || path.startsWith(`${p.prefix}/`));
  if (!page) throw new Error(`${path} is under no page of the matrix: teach it who may open it`);
  return page;
};
/** Each form under /manage/: what the matrix sends (after the session's form token), and the answer an allowed role gets. */
const FORMS: Record<string, { form: (role: string) => Record<string, string>; status: number; location?: string }> = {
  '/manage/integrity/verify': { form: () => ({}), status: 303, location: '/manage/integrity' },
  '/manage/tokens': { form: (role) => ({ name: `matrix-${role}`, role: 'auditor', expires: '1d' }), status: 200 },
  '/manage/tokens/revoke': { form: (role) => ({ name: `matrix-${role}` }), status: 303, location: '/manage/tokens' },
};

/** Routes anyone may reach (checked in their own tests: single sign-on's in sso.test.ts); every other route must be behind the role check. */
const PUBLIC_ROUTES = ['GET /', 'GET /healthz', 'GET /login', 'POST /login', 'POST /logout', 'GET /auth/oidc/end-session', 'GET /auth/oidc/start', 'GET /auth/oidc/callback'];
/** The JSON API answers bearer tokens only (tokens × roles in api.test.ts): here no session may open it. Its OpenAPI document is public. */
const isApiRoute = (route: string): boolean => route.startsWith('GET /api/');
const API_PUBLIC = 'GET /api/v1/openapi.json';

describe('web view: access, sessions and bad input (real OpenSearch, HTTP)', () => {
  let client: Client;
  const namespace = freshNamespace();
  let events: AuditEvent[];
  let h: Harness;

  before(async () => {
    client = testClient();
    events = await seedEvents(client, namespace, knownEvents());
    h = await startHarness(client, dataStreamName(namespace), { now: () => NOW, pageSize: 5, verifyKeys: [keyPair().verify] });
  });
  after(async () => {
    await h?.close();
    await dropNamespace(client, namespace);
  });

  describe('every registered route × every role', () => {
    let routes: string[];
    before(() => {
      const db = new Database(':memory:');
      // With single sign-on set, so that its routes are walked too (nothing is asked of the provider until a sign-in).
      const oidc = { issuer: 'http://127.0.0.1:9', clientId: 'matrix', redirectUri: 'http://127.0.0.1:9/auth/oidc/callback' };
      routes = registeredRoutes(createWebApp({ client, users: new UserStore(db), sessionDb: db, sessionSecret: 'x'.repeat(32), oidc }));
      db.close();
    });
    /** Forms under /manage/ (sent with the session's form token). */
    const postPaths = (): string[] => routes.filter((r) => r.startsWith('POST /manage/')).map((r) => r.slice('POST '.length));
    const protectedPaths = (): string[] => {
      const other = routes.filter((r) => !PUBLIC_ROUTES.includes(r) && !isApiRoute(r) && !r.startsWith('POST /manage/'));
      expect(other.filter((r) => !r.startsWith('GET /manage/')), 'routes the matrix cannot walk: make them GET or POST under /manage/, or public').to.deep.equal([]);
      return other.map((r) => r.slice('GET '.length).replace(/:(\w+)/g, (_, name: string) => {
        if (name === 'id') return events[3]!.id;
        throw new Error(`no value for the route parameter :${name}: teach the matrix`);
      }));
    };

    it('reads the routes from the app: the public ones (single sign-on’s too) and at least the four audit pages', () => {
      expect(routes).to.include.members([...PUBLIC_ROUTES, API_PUBLIC, 'GET /api/v1/events', 'GET /manage/audit', 'GET /manage/audit/events/:id', 'GET /manage/audit/export.csv', 'GET /manage/audit/export.ndjson']);
      expect(routes).to.include.members(['GET /manage/integrity', 'POST /manage/integrity/verify', 'GET /manage/tokens', 'POST /manage/tokens', 'POST /manage/tokens/revoke']);
      expect(protectedPaths()).to.have.length.of.at.least(6);
      expect(postPaths()).to.have.members(Object.keys(FORMS));
    });

    for (const role of ['anonymous', ...ROLES] as const) {
      it(`${role}`, async () => {
        const http = new HttpSession(h.web.url);
        if (role !== 'anonymous') expect((await http.signIn(ACCOUNTS[role as Role])).status).to.equal(303);
        for (const route of routes.filter(isApiRoute)) {
          const path = route.slice('GET '.length).replace(':id', events[3]!.id);
          expect((await http.request(path)).status, path).to.equal(route === API_PUBLIC ? 200 : 401);
        }
        for (const path of protectedPaths()) {
          const res = await http.request(path);
          const body = await res.text();
          const page = pageOf(path);
          if (role === 'anonymous') {
            expect(res.status, path).to.equal(303);
            expect(res.headers.get('location'), path).to.equal(`/login?next=${encodeURIComponent(path)}`);
          } else if (!page.roles.includes(role)) {
            expect(res.status, path).to.equal(403);
            expect(body, path).to.include(page.refusal);
          } else {
            expect(res.status, path).to.equal(200);
            if (path.endsWith('.csv')) expect(body.split('\r\n')[0]).to.match(/^time,event_id,/);
            else if (path.endsWith('.ndjson')) expect(body.trim().split('\n').filter((l) => !l.startsWith('{"audit_trail_export"'))).to.have.length(events.length);
            else if (path === '/manage/audit') expect(body).to.include(`id="total">${events.length}<`);
            else if (path.includes('/events/')) expect(body).to.include(`Event <bdi>${events[3]!.id}</bdi>`);
            else if (path === '/manage/integrity') expect(body).to.include('<h1>Integrity</h1>');
            else if (path === '/manage/tokens') expect(body).to.include('<h1>Tokens</h1>');
          }
        }
        // A form: without a session there is no form token (refused as an expired form); a role the page does not admit is refused.
        const token = role === 'anonymous' ? 'none' : await http.token('/manage/audit');
        for (const path of postPaths()) {
          const sent = FORMS[path];
          if (!sent) throw new Error(`no form for POST ${path}: teach the matrix`);
          const res = await http.request(path, { form: { _csrf: token, ...sent.form(role) } });
          const body = await res.text();
          const page = pageOf(path);
          if (role === 'anonymous') {
            expect(res.status, path).to.equal(403);
            expect(body, path).to.include('This form has expired');
          } else if (!page.roles.includes(role)) {
            expect(res.status, path).to.equal(403);
            expect(body, path).to.include(page.refusal);
          } else {
            expect(res.status, path).to.equal(sent.status);
            expect(res.headers.get('location') ?? undefined, path).to.equal(sent.location);
          }
        }
      });
    }
  });

  describe('sign-in, sign-out and sessions', () => {
    it('refuses a wrong password with 401 and a message', async () => {
      const res = await new HttpSession(h.web.url).signIn('aude', 'not the password at all');
      expect(res.status).to.equal(401);
      expect(await res.text()).to.include('Wrong user name or password.');
    });

    it('sets an HttpOnly, SameSite session cookie and ends the session on sign-out', async () => {
      const http = new HttpSession(h.web.url);
      const res = await http.signIn('aude');
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('audit_trail.sid='))!;
      expect(cookie).to.match(/HttpOnly/i).and.match(/SameSite=Lax/i);
      const stolen = http.cookieValue;
      const token = await http.token('/manage/audit');
      expect((await http.request('/logout', { form: { _csrf: token } })).status).to.equal(303);
      const replay = new HttpSession(h.web.url);
      replay.cookieValue = stolen;
      expect((await replay.request('/manage/audit')).status).to.equal(303);
    });

    it('keeps sessions across a restart of the web view', async () => {
      const http = new HttpSession(h.web.url);
      await http.signIn('sam');
      const second = await h.restart();
      const again = new HttpSession(second.url);
      again.cookieValue = http.cookieValue;
      expect((await again.request('/manage/audit')).status).to.equal(200);
    });
  });

  describe('CSRF', () => {
    it('refuses sign-in without the form token', async () => {
      const http = new HttpSession(h.web.url);
      await http.token();
      const res = await http.request('/login', { form: { _csrf: 'forged', username: 'aude', password: PASSWORD } });
      expect(res.status).to.equal(403);
      expect(await res.text()).to.include('This form has expired');
    });

    it('refuses sign-out without the token, and the session stays', async () => {
      const http = new HttpSession(h.web.url);
      await http.signIn('aude');
      expect((await http.request('/logout', { form: {} })).status).to.equal(403);
      expect((await http.request('/manage/audit')).status).to.equal(200);
    });
  });

  describe('rate-limited sign-in', () => {
    it('answers 429 after the allowed failures, even with the right password', async () => {
      const limited = await h.restart({ loginLimit: { max: 3, windowMs: 60_000 } });
      const http = new HttpSession(limited.url);
      for (let i = 0; i < 3; i++) expect((await http.signIn('aude', `wrong password ${i}`)).status).to.equal(401);
      const res = await http.signIn('aude');
      expect(res.status).to.equal(429);
      expect(await res.text()).to.include('Too many sign-in attempts');
    });
  });

  describe('bad input gives a clear message, never a 500', () => {
    const cases: [string, string][] = [
      ['/manage/audit?action=explode', 'unknown action &#x27;explode&#x27;'],
      ['/manage/audit?resource_type=planet', 'unknown resource type &#x27;planet&#x27;'],
      ['/manage/audit?from=99999-99-99', 'is not a date'],
      ['/manage/audit?from=2026-02-30', 'is not a real date'],
      ['/manage/audit?from=2026-11-10&to=2026-11-01', 'must be before'],
      ['/manage/audit?range=forever', 'unknown preset'],
      ['/manage/audit?from=2026-11-01&range=30d', 'Time range: &#x27;Last 30 days&#x27; cannot be combined with From or To'],
      ['/manage/audit?to=2026-11-21&range=1h', 'Time range: &#x27;Last hour&#x27; cannot be combined with From or To'],
      ['/manage/audit/export.csv?from=2026-11-01&range=7d', 'cannot be combined with From or To'],
      ['/manage/audit?q=user%3A%22open', 'unclosed quote'],
      ['/manage/audit?after=garbage', 'position is not valid'],
      ['/manage/audit?before=1_%3Cscript%3E', 'position is not valid'],
      ['/manage/audit?size=99999999999', 'is not a number from 1 to 200'],
      ['/manage/audit/export.csv?action=explode', 'unknown action'],
    ];
    let http: HttpSession;
    before(async () => {
      http = new HttpSession(h.web.url);
      await http.signIn('aude');
    });
    for (const [path, message] of cases) {
      it(path, async () => {
        const res = await http.request(path);
        expect(res.status).to.equal(400);
        expect(await res.text()).to.include(message);
      });
    }
    it('an unknown event id is a 404 page', async () => {
      const res = await http.request('/manage/audit/events/does-not-exist');
      expect(res.status).to.equal(404);
      expect(await res.text()).to.include('There is no audit event with the id');
    });
  });

  describe('OpenSearch down', () => {
    it('answers 503 with a page that says so', async () => {
      const down = await h.restart({ client: new OpenSearchClient({ node: 'http://127.0.0.1:9', maxRetries: 0, requestTimeout: 2000 }) });
      const http = new HttpSession(down.url);
      await http.signIn('aude');
      for (const path of ['/manage/audit', '/manage/audit/export.csv']) {
        const res = await http.request(path);
        expect(res.status, path).to.equal(503);
        const body = await res.text();
        expect(body).to.include('The audit store is not answering');
        expect(body).not.to.match(/at .*\.ts:\d+/);
      }
    });
  });
});
