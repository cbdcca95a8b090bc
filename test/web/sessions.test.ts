// Sessions, the sign-in form, sign-in limits and the security headers, over HTTP against the real node.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { dataStreamName } from '../../src/storage/template.js';
import { UserStore } from '../../src/web/auth/users.js';
import { sessionStore } from '../../src/web/auth/session.js';
import { ConfigurationError } from '../../src/model/errors.js';
import type { AuditEvent } from '../../src/model/event.js';
import { HttpSession, PASSWORD, seedEvents, startHarness, type Harness } from './harness.js';
import { NOW, knownEvents } from './known-events.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('web view: sessions, sign-in and headers (real OpenSearch, HTTP)', function () {
  this.timeout(60_000);
  let client: Client;
  const namespace = freshNamespace();
  let events: AuditEvent[];
  let h: Harness;
  const sessionDb = (): Database.Database => new Database(join(h.dataDir, 'web.db'));
  const sessionRows = (): number => {
    const db = sessionDb();
    try {
      return (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  const sessionId = (http: HttpSession): string => decodeURIComponent(http.cookieValue.slice('audit_trail.sid='.length)).replace(/^s:/, '').split('.')[0]!;
  /** The idle deadline the store holds for a browser's session. */
  const storedExpiry = (http: HttpSession): string => {
    const db = sessionDb();
    try {
      return (db.prepare('SELECT expire FROM sessions WHERE sid = ?').get(sessionId(http)) as { expire: string }).expire;
    } finally {
      db.close();
    }
  };

  before(async () => {
    client = testClient();
    events = await seedEvents(client, namespace, knownEvents());
    h = await startHarness(client, dataStreamName(namespace), { now: () => NOW, pageSize: 5 });
  });
  after(async () => {
    await h?.close();
    await dropNamespace(client, namespace);
  });

  describe('no page is kept in the browser cache', () => {
    it('every HTML page, signed in or not, error pages included, says Cache-Control: no-store', async () => {
      const anonymous = new HttpSession(h.web.url);
      const auditor = new HttpSession(h.web.url);
      await auditor.signIn('aude');
      const member = new HttpSession(h.web.url);
      await member.signIn('mem');
      const pages: [HttpSession, string, number][] = [
        [anonymous, '/login', 200],
        [anonymous, '/manage/audit', 303],
        [anonymous, '/nowhere', 404],
        [auditor, '/manage/audit', 200],
        [auditor, `/manage/audit/events/${events[0]!.id}`, 200],
        [auditor, '/manage/audit/events/missing', 404],
        [auditor, '/manage/audit?action=explode', 400],
        [auditor, '/manage/audit/export.csv', 200],
        [member, '/manage/audit', 403],
      ];
      for (const [http, path, status] of pages) {
        const res = await http.request(path);
        expect(res.status, path).to.equal(status);
        expect(res.headers.get('cache-control'), path).to.equal('no-store');
      }
    });
  });

  describe('the sign-in form stores nothing until someone signs in', () => {
    it('many anonymous visits leave the session table as it was', async () => {
      const before = sessionRows();
      for (let i = 0; i < 200; i++) {
        const res = await new HttpSession(h.web.url).request(['/login', '/manage/audit', '/nowhere', '/login?next=/manage/audit'][i % 4]!);
        await res.arrayBuffer();
      }
      expect(sessionRows()).to.equal(before);
    });

    it('the form token still protects the sign-in: refused without it, with a forged one, or with another visitor’s', async () => {
      const mine = new HttpSession(h.web.url);
      const theirs = new HttpSession(h.web.url);
      const theirToken = await theirs.token();
      await mine.token();
      const noCookie = new HttpSession(h.web.url);
      const attempts: [HttpSession, Record<string, string>][] = [
        [mine, { username: 'aude', password: PASSWORD }],
        [mine, { _csrf: 'forged', username: 'aude', password: PASSWORD }],
        [mine, { _csrf: theirToken, username: 'aude', password: PASSWORD }],
        [noCookie, { _csrf: theirToken, username: 'aude', password: PASSWORD }],
      ];
      for (const [http, form] of attempts) {
        const res = await http.request('/login', { form });
        expect(res.status, JSON.stringify(form._csrf)).to.equal(403);
        expect(await res.text()).to.include('This form has expired');
      }
      expect((await theirs.request('/login', { form: { _csrf: theirToken, username: 'aude', password: PASSWORD } })).status).to.equal(303);
    });
  });

  describe('session lifetime', () => {
    it('a password reset ends every session of that user, and only theirs', async () => {
      const first = new HttpSession(h.web.url);
      const second = new HttpSession(h.web.url);
      const other = new HttpSession(h.web.url);
      for (const [http, name] of [[first, 'aude'], [second, 'aude'], [other, 'sam']] as const) expect((await http.signIn(name)).status).to.equal(303);
      const users = new UserStore(sessionDb());
      try {
        await users.reset('aude', PASSWORD);
      } finally {
        users.close();
      }
      for (const http of [first, second]) expect((await http.request('/manage/audit')).status).to.equal(303);
      expect((await other.request('/manage/audit')).status).to.equal(200);
    });

    it('a session ends after its absolute lifetime even while in use', async () => {
      const short = await h.restart({ sessionLifetime: { absoluteMs: 1500 } });
      const http = new HttpSession(short.url);
      await http.signIn('aude');
      for (let i = 0; i < 2; i++) {
        await sleep(500);
        expect((await http.request('/manage/audit')).status).to.equal(200);
      }
      await sleep(700);
      const res = await http.request('/manage/audit');
      expect(res.status).to.equal(303);
      expect(res.headers.get('location')).to.match(/^\/login\?next=/);
    });

    it('a signed-in session’s idle deadline is written at most once per interval, not on every request', async () => {
      const http = new HttpSession(h.web.url);
      await http.signIn('aude');
      // The first page adds the form token to the session: a change, saved as such.
      expect((await http.request('/manage/audit')).status).to.equal(200);
      const first = storedExpiry(http);
      for (let i = 0; i < 5; i++) expect((await http.request('/manage/audit')).status).to.equal(200);
      expect(storedExpiry(http)).to.equal(first);
    });

    it('once the interval has passed, a request moves the idle deadline on', async () => {
      const quick = await h.restart({ sessionLifetime: { idleMs: 60_000, touchEveryMs: 300 } });
      const http = new HttpSession(quick.url);
      await http.signIn('aude');
      expect((await http.request('/manage/audit')).status).to.equal(200);
      const first = Date.parse(storedExpiry(http));
      expect((await http.request('/manage/audit')).status).to.equal(200);
      expect(Date.parse(storedExpiry(http)), 'within the interval').to.equal(first);
      await sleep(400);
      expect((await http.request('/manage/audit')).status).to.equal(200);
      expect(Date.parse(storedExpiry(http)) - first, 'after the interval').to.be.at.least(300);
    });

    it('a session in use outlives its idle lifetime; unused for that long, it ends', async () => {
      // The store compares deadlines to the second: an idle lifetime of 4 s lasts 3 to 4 s.
      const short = await h.restart({ sessionLifetime: { idleMs: 4000, touchEveryMs: 500 } });
      const http = new HttpSession(short.url);
      await http.signIn('aude');
      for (let i = 0; i < 7; i++) {
        await sleep(800);
        expect((await http.request('/manage/audit')).status, `use ${i + 1}`).to.equal(200);
      }
      await sleep(4100);
      const res = await http.request('/manage/audit');
      expect(res.status).to.equal(303);
      expect(res.headers.get('location')).to.match(/^\/login\?next=/);
    });

    it('a touch after the store’s database has closed (a tail ending at shutdown) is reported, not thrown', async () => {
      const db = new Database(':memory:');
      const store = sessionStore(db, 60_000);
      db.close();
      const reported = await new Promise<unknown>((resolve) => store.touch!('some-session', { cookie: { expires: new Date(Date.now() + 60_000) } } as never, resolve as () => void));
      expect(reported).to.be.an('error').with.property('message').that.includes('not open');
    });

    it('an interval not shorter than the idle lifetime is refused, naming the option', async () => {
      await expect(h.restart({ sessionLifetime: { idleMs: 1000, touchEveryMs: 1000 } })).to.be.rejectedWith(ConfigurationError, 'sessionLifetime.touchEveryMs');
    });

    it('by default a session lasts 12 hours from sign-in', async () => {
      const http = new HttpSession(h.web.url);
      await http.signIn('aude');
      const sid = sessionId(http);
      const age = (ms: number): void => {
        const db = sessionDb();
        try {
          const row = db.prepare('SELECT sess FROM sessions WHERE sid = ?').get(sid) as { sess: string };
          db.prepare('UPDATE sessions SET sess = ? WHERE sid = ?').run(JSON.stringify({ ...JSON.parse(row.sess), signedInAt: Date.now() - ms }), sid);
        } finally {
          db.close();
        }
      };
      age(11.9 * 3600_000);
      expect((await http.request('/manage/audit')).status).to.equal(200);
      age(12.1 * 3600_000);
      expect((await http.request('/manage/audit')).status).to.equal(303);
    });
  });

  describe('sign-in limits', () => {
    it('per address: by default the 11th failure within 15 minutes is refused, even with the right password', async () => {
      const limited = await h.restart();
      const http = new HttpSession(limited.url, { localAddress: '127.0.0.11' });
      for (let i = 0; i < 10; i++) expect((await http.signIn('aude', `wrong password ${i}`)).status, `try ${i + 1}`).to.equal(401);
      const res = await http.signIn('aude');
      expect(res.status).to.equal(429);
      expect(await res.text()).to.include('Too many sign-in attempts');
      expect((await new HttpSession(limited.url, { localAddress: '127.0.0.12' }).signIn('aude')).status, 'another address').to.equal(303);
    });

    it('per account: by default 20 failures from any addresses refuse that account, not the others', async () => {
      const limited = await h.restart();
      for (const address of ['127.0.0.21', '127.0.0.22']) {
        const http = new HttpSession(limited.url, { localAddress: address });
        for (let i = 0; i < 10; i++) expect((await http.signIn('aude', `wrong password ${i}`)).status, `${address} try ${i + 1}`).to.equal(401);
      }
      const fresh = new HttpSession(limited.url, { localAddress: '127.0.0.23' });
      const res = await fresh.signIn('aude');
      expect(res.status).to.equal(429);
      expect(await res.text()).to.include('Too many failed sign-ins for this account');
      expect((await fresh.signIn('sam')).status, 'another account from the same address').to.equal(303);
    });

    it('per account: the refusal ends with its window, so nobody is locked out for good', async () => {
      const limited = await h.restart({ loginLimit: { windowMs: 1500, max: 100, maxPerAccount: 3 } });
      for (let i = 0; i < 3; i++) expect((await new HttpSession(limited.url, { localAddress: `127.0.0.${31 + i}` }).signIn('aude', `wrong password ${i}`)).status).to.equal(401);
      const owner = new HttpSession(limited.url, { localAddress: '127.0.0.40' });
      expect((await owner.signIn('aude')).status).to.equal(429);
      await sleep(1600);
      expect((await owner.signIn('aude')).status).to.equal(303);
    });
  });

  describe('security headers', () => {
    it('helmet’s headers and a CSP without inline script, on every page', async () => {
      const http = new HttpSession(h.web.url);
      for (const path of ['/login', '/manage/audit', '/nowhere']) {
        const res = await http.request(path);
        const csp = Object.fromEntries((res.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
        expect(csp['default-src'], path).to.deep.equal(["'self'"]);
        expect(csp['script-src'], path).to.deep.equal(["'self'"]);
        expect(csp['script-src-attr'], path).to.deep.equal(["'none'"]);
        expect(csp['object-src'], path).to.deep.equal(["'none'"]);
        expect(csp['frame-ancestors'], path).to.deep.equal(["'self'"]);
        expect(csp['base-uri'], path).to.deep.equal(["'self'"]);
        expect(csp, path).not.to.have.property('upgrade-insecure-requests');
        expect(res.headers.get('x-content-type-options'), path).to.equal('nosniff');
        expect(res.headers.get('x-frame-options'), path).to.equal('SAMEORIGIN');
        expect(res.headers.get('referrer-policy'), path).to.equal('no-referrer');
        expect(res.headers.get('cross-origin-opener-policy'), path).to.equal('same-origin');
        expect(res.headers.has('x-powered-by'), path).to.equal(false);
        expect(res.headers.has('strict-transport-security'), path).to.equal(false);
      }
    });

    it('behind TLS (AUDIT_WEB_SECURE=1): Secure cookies, HSTS and upgrade-insecure-requests', async () => {
      const saved = { secure: process.env.AUDIT_WEB_SECURE, trust: process.env.AUDIT_WEB_TRUST_PROXY };
      process.env.AUDIT_WEB_SECURE = '1';
      process.env.AUDIT_WEB_TRUST_PROXY = '1';
      try {
        const secure = await h.restart();
        const http = new HttpSession(secure.url, { headers: { 'x-forwarded-proto': 'https' } });
        const page = await http.request('/login');
        expect(page.headers.get('strict-transport-security')).to.match(/^max-age=\d{7,}; includeSubDomains$/);
        expect(page.headers.get('content-security-policy')).to.include('upgrade-insecure-requests');
        const res = await http.signIn('aude');
        expect(res.status).to.equal(303);
        const cookies = [...page.headers.getSetCookie(), ...res.headers.getSetCookie()];
        expect(cookies.map((c) => c.split('=')[0])).to.include.members(['audit_trail.sid', 'audit_trail.login']);
        for (const cookie of cookies) expect(cookie).to.match(/;\s*Secure/i).and.match(/;\s*HttpOnly/i);
      } finally {
        for (const [name, value] of [['AUDIT_WEB_SECURE', saved.secure], ['AUDIT_WEB_TRUST_PROXY', saved.trust]] as const) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      }
    });
  });
});
