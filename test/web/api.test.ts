// The JSON API against the real node: the page's filters and cursors, one event, tokens by role and state, no cookies, rate limit, CORS, the auditor hook.
import type { Client } from '@opensearch-project/opensearch';
import type Database from 'better-sqlite3';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { dataStreamName } from '../../src/storage/template.js';
import type { AuditEvent } from '../../src/model/event.js';
import type { AuditFilter } from '../../src/query/list.js';
import { parseQuery } from '../../src/query/syntax.js';
import { openWebDatabase } from '../../src/web/auth/data.js';
import { TokenStore } from '../../src/web/api/token-store.js';
import type { AuditorAction } from '../../src/web/auditor-action.js';
import { HttpSession, seedEvents, startHarness, type Harness } from './harness.js';
import { NOW, SECRET_NEW, SECRET_OLD, expectedIds, knownEvents } from './known-events.js';

interface EventList {
  events: { event: { id: string } }[];
  total: { value: number; relation: string };
  query: string;
  next: string | null;
  prev: string | null;
  links: { next: string | null; prev: string | null };
}

describe('web API: GET /api/v1/events and /api/v1/events/{id} (real OpenSearch)', () => {
  let client: Client;
  const namespace = freshNamespace();
  let events: AuditEvent[];
  let h: Harness;
  let db: Database.Database;
  let tokens: TokenStore;
  const secret: Record<string, string> = {};
  const heard: AuditorAction[] = [];

  const api = (path: string, token: string | null | undefined = secret.auditor, headers: Record<string, string> = {}, base = h.web.url): Promise<Response> =>
    fetch(base + path, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, redirect: 'manual' });
  const list = async (search: string): Promise<EventList> => {
    const res = await api(`/api/v1/events${search}`);
    expect(res.status, await res.clone().text()).to.equal(200);
    return (await res.json()) as EventList;
  };
  /** Ids of every page, following `links.next`. */
  const allIds = async (search: string): Promise<string[]> => {
    const ids: string[] = [];
    let page = await list(search);
    for (let i = 0; i < 30; i++) {
      ids.push(...page.events.map((e) => e.event.id));
      if (!page.links.next) return ids;
      page = await list(page.links.next.slice('/api/v1/events'.length));
    }
    throw new Error('more than 30 pages');
  };

  before(async () => {
    client = testClient();
    events = await seedEvents(client, namespace, knownEvents());
    h = await startHarness(client, dataStreamName(namespace), { now: () => NOW, onAuditorAction: (a) => heard.push(a), apiRateLimit: { max: 1000 } });
    db = openWebDatabase(h.dataDir);
    tokens = new TokenStore(db);
    for (const role of ['site_manager', 'auditor', 'member'] as const) secret[role] = tokens.create(`ci-${role}`, role, '90d', NOW).secret;
  });
  after(async () => {
    db?.close();
    await h?.close();
    await dropNamespace(client, namespace);
  });

  describe('the same filter language as the page', () => {
    const cases: [string, string, AuditFilter][] = [
      ['no filter', '', {}],
      ['action (several)', '?action=login&action=write', { actions: ['login', 'write'] }],
      ['resource type', '?resource_type=workspace', { resourceTypes: ['workspace'] }],
      ['outcome', '?outcome=failure', { outcomes: ['failure'] }],
      ['target, case-insensitive', '?target=alice%40example.com', { targets: ['alice@example.com'] }],
      ['user by e-mail', '?user=bob%40example.com', { users: ['bob@example.com'] }],
      ['from and to', '?from=2026-11-20T09:00Z&to=2026-11-20T10:30Z', { from: new Date('2026-11-20T09:00Z'), to: new Date('2026-11-20T10:30Z') }],
      ['preset: last hour', '?range=1h', { from: new Date(NOW.getTime() - 3600_000) }],
      ['search syntax in q', `?q=${encodeURIComponent('action:create action:write user:alice from:2026-11-20')}`, parseQuery('action:create action:write user:alice from:2026-11-20')],
      ['q and parameters together (AND)', `?outcome=success&q=${encodeURIComponent('resource_type:user')}`, { outcomes: ['success'], resourceTypes: ['user'] }],
    ];
    for (const [name, search, filter] of cases) {
      it(`${name}: exactly the page's events, newest first, across cursor pages`, async () => {
        const expected = expectedIds(events, filter);
        expect(expected.length, 'the case must select something').to.be.greaterThan(0);
        const sized = `${search}${search ? '&' : '?'}size=4`;
        expect((await list(sized)).total).to.deep.equal({ value: expected.length, relation: 'eq' });
        expect(await allIds(sized)).to.deep.equal(expected);
      });
    }

    it('says how it understood the filter, in the search syntax', async () => {
      expect((await list('?user=Alice&action=login')).query).to.equal('action:login user:Alice');
    });

    it('refuses a filter that does not parse, with the position, and an unknown parameter (400)', async () => {
      const bad = await api(`/api/v1/events?q=${encodeURIComponent('user:alice colour:red')}`);
      expect(bad.status).to.equal(400);
      const body = (await bad.json()) as { error: { code: string; details: string[] } };
      expect(body.error.code).to.equal('bad_request');
      expect(body.error.details.join(' ')).to.include("unknown key 'colour'").and.include('at character 12');
      const typo = (await (await api('/api/v1/events?acton=login')).json()) as { error: { details: string[] } };
      expect(typo.error.details[0]).to.match(/^unknown parameter 'acton': use action, /);
      expect((await api('/api/v1/events?size=1001')).status).to.equal(400);
      expect((await api('/api/v1/events?after=not-a-cursor')).status).to.equal(400);
    });
  });

  describe('cursor paging', () => {
    it('walks next to the oldest page, then prev back to the newest, without gaps or repeats', async () => {
      const forward: string[][] = [];
      let page = await list('?size=5');
      expect(page.prev).to.equal(null);
      forward.push(page.events.map((e) => e.event.id));
      while (page.next) {
        page = await list(`?size=5&after=${page.next}`);
        forward.push(page.events.map((e) => e.event.id));
      }
      expect(forward.flat()).to.deep.equal(expectedIds(events, {}));
      const backward: string[][] = [forward.at(-1)!];
      while (page.prev) {
        page = await list(`?size=5&before=${page.prev}`);
        backward.unshift(page.events.map((e) => e.event.id));
      }
      expect(backward).to.deep.equal(forward);
    });
  });

  describe('one event', () => {
    it('answers the stored document with secret diff values redacted', async () => {
      const withDiff = events.find((e) => e.diff)!;
      const res = await api(`/api/v1/events/${withDiff.id}`);
      expect(res.status).to.equal(200);
      const text = await res.text();
      expect((JSON.parse(text) as { event: { event: { id: string } } }).event.event.id).to.equal(withDiff.id);
      expect(text).not.to.include(SECRET_OLD).and.not.to.include(SECRET_NEW);
      const listed = await (await api('/api/v1/events?size=1000')).text();
      expect(listed).not.to.include(SECRET_OLD).and.not.to.include(SECRET_NEW);
    });

    it('404 for an id that is not there, or not an id', async () => {
      for (const id of ['0190aaaa-0000-7000-8000-000000000000', 'a%20b']) {
        const res = await api(`/api/v1/events/${id}`);
        expect(res.status).to.equal(404);
        expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('not_found');
      }
    });
  });

  describe('tokens', () => {
    it('a site manager\'s and an auditor\'s token read; a member\'s is refused like a member on the page (403)', async () => {
      expect((await api('/api/v1/events', secret.site_manager)).status).to.equal(200);
      expect((await api('/api/v1/events', secret.auditor)).status).to.equal(200);
      const member = await api('/api/v1/events', secret.member);
      expect(member.status).to.equal(403);
      expect(((await member.json()) as { error: { message: string } }).error.message).to.include("the role 'member'").and.include('Only site_manager and auditor may read the audit log');
    });

    it('401 with WWW-Authenticate for no token, a mangled one, an unknown one, a revoked one and an expired one', async () => {
      const { secret: revoked } = tokens.create('ci-revoked', 'auditor');
      tokens.revoke('ci-revoked');
      const { secret: expired } = tokens.create('ci-expired', 'auditor', '1h', new Date(NOW.getTime() - 2 * 3600_000));
      const unknown = `${secret.auditor!.slice(0, -4)}AAAA`;
      const cases: [string | null, RegExp][] = [
        [null, /takes a token, not a cookie/],
        ['not-a-token', /not one this server issued/],
        [unknown, /not known here/],
        [revoked, /was revoked/],
        [expired, /has expired/],
      ];
      for (const [token, message] of cases) {
        const res = await api('/api/v1/events', token);
        expect(res.status, String(message)).to.equal(401);
        expect(res.headers.get('www-authenticate')).to.match(/^Bearer realm="audit-trail"/);
        expect(((await res.json()) as { error: { message: string } }).error.message).to.match(message);
      }
    });

    it('records the last use of a token (on the app\'s clock), shown by list', async () => {
      const unused = tokens.create('ci-unused', 'auditor', '90d', NOW);
      expect(tokens.list().find((t) => t.name === 'ci-unused')!.lastUsedAt).to.equal(undefined);
      expect((await api('/api/v1/events?size=1', unused.secret)).status).to.equal(200);
      expect(tokens.list().find((t) => t.name === 'ci-unused')!.lastUsedAt).to.deep.equal(NOW);
      expect(tokens.list().find((t) => t.name === 'ci-revoked')!.revokedAt).to.be.instanceOf(Date);
    });

    it('a signed-in session cookie opens nothing under /api (no cookie access, so no CSRF surface)', async () => {
      const http = new HttpSession(h.web.url);
      expect((await http.signIn('aude')).status).to.equal(303);
      expect((await http.request('/manage/audit')).status).to.equal(200);
      const res = await api('/api/v1/events', null, { cookie: http.cookieValue });
      expect(res.status).to.equal(401);
      expect(res.headers.getSetCookie()).to.deep.equal([]);
      const post = await fetch(`${h.web.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${secret.auditor}`, cookie: http.cookieValue } });
      expect(post.status).to.equal(404);
    });
  });

  describe('rate limit per token', () => {
    it('refuses a token over its limit with 429 and Retry-After, while another token goes on', async () => {
      const limited = await h.restart({ apiRateLimit: { max: 3, windowMs: 60_000 } });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await api('/api/v1/events?size=1', secret.auditor, {}, limited.url)).status);
      expect(statuses).to.deep.equal([200, 200, 200, 429]);
      const refused = await api('/api/v1/events?size=1', secret.auditor, {}, limited.url);
      expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
      expect(((await refused.json()) as { error: { code: string } }).error.code).to.equal('too_many_requests');
      expect((await api('/api/v1/events?size=1', secret.site_manager, {}, limited.url)).status).to.equal(200);
    });
  });

  describe('CORS', () => {
    it('closed by default: no Access-Control-Allow-Origin, not even on a preflight', async () => {
      const res = await api('/api/v1/events?size=1', secret.auditor, { origin: 'https://siem.example.com' });
      expect(res.status).to.equal(200);
      expect(res.headers.get('access-control-allow-origin')).to.equal(null);
      const preflight = await fetch(`${h.web.url}/api/v1/events`, { method: 'OPTIONS', headers: { origin: 'https://siem.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      expect(preflight.headers.get('access-control-allow-origin')).to.equal(null);
    });

    it('open to the configured origins only', async () => {
      const open = await h.restart({ apiCorsOrigins: ['https://siem.example.com'] });
      const allowed = await fetch(`${open.url}/api/v1/events`, { method: 'OPTIONS', headers: { origin: 'https://siem.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      expect(allowed.headers.get('access-control-allow-origin')).to.equal('https://siem.example.com');
      expect(allowed.headers.get('access-control-allow-headers')).to.match(/authorization/i);
      expect(allowed.headers.get('access-control-allow-credentials')).to.equal(null);
      const other = await api('/api/v1/events?size=1', secret.auditor, { origin: 'https://evil.example.net' }, open.url);
      expect(other.headers.get('access-control-allow-origin')).to.equal(null);
    });
  });

  describe('the auditor hook (onAuditorAction)', () => {
    it('hears every API call with a valid token: who, what, the outcome and where from; never the token', async () => {
      heard.length = 0;
      const id = events[3]!.id;
      await api(`/api/v1/events?user=alice&after=${encodeURIComponent(`${Date.parse('2026-11-20T12:00Z')}_x`)}`);
      await api(`/api/v1/events/${id}`, secret.site_manager);
      await api('/api/v1/events', secret.member);
      await api('/api/v1/events', null);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(heard.map((a) => [a.kind, a.actor, a.outcome, a.target.status])).to.deep.equal([
        ['api.events.list', { type: 'token', name: 'ci-auditor', role: 'auditor' }, 'success', 200],
        ['api.events.get', { type: 'token', name: 'ci-site_manager', role: 'site_manager' }, 'success', 200],
        ['api.events.list', { type: 'token', name: 'ci-member', role: 'member' }, 'failure', 403],
      ]);
      expect(heard[0]!.target).to.include({ query: 'user:alice', after: `${Date.parse('2026-11-20T12:00Z')}_x` });
      expect(heard[1]!.target).to.include({ eventId: id, rows: 1 });
      expect(heard[2]!.reason).to.include("the role 'member'");
      expect(heard[0]!.source.ip).to.match(/127\.0\.0\.1/);
      expect(heard[0]!.time).to.be.instanceOf(Date);
      expect(JSON.stringify(heard)).not.to.include('atr_');
    });
  });
});
