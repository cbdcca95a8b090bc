// What the README promises about Manage > Audit and nothing else tested: the "10,000+" total, times in the reader's zone, no demo users in production.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { useAuditNamespace } from '../helpers/namespace.js';
import { toEcsDocument } from '../../src/model/ecs-document.js';
import { validateEvent } from '../../src/model/event.js';
import { openWebDatabase } from '../../src/web/auth/data.js';
import { UserStore } from '../../src/web/auth/users.js';
import { DEMO_ACCOUNTS, ensureDemoUsers } from '../../src/web/demo-users.js';
import { startWebServer } from '../../src/web/server.js';
import { HttpSession, PASSWORD, launchBrowser, startHarness, type Harness } from './harness.js';

const NEWEST = Date.parse('2026-11-20T10:00:00Z');
const COUNT = 10_001;

describe('web view: what the README promises (real OpenSearch)', function () {
  this.timeout(120_000);
  const ns = useAuditNamespace();
  let h: Harness;

  before(async () => {
    for (let start = 0; start < COUNT; start += 5000) {
      const body = Array.from({ length: Math.min(5000, COUNT - start) }, (_, k) => {
        const i = start + k;
        const event = validateEvent({ time: new Date(NEWEST - i * 1000), action: 'view', actor: { id: `u-${i % 7}` }, resource: { type: 'secret', id: `s-${i}` } });
        return [{ create: { _index: ns.index, _id: event.id } }, toEcsDocument(event)];
      }).flat();
      const res = await ns.client.bulk({ body, refresh: start + 5000 >= COUNT } as never);
      expect((res.body as { errors: boolean }).errors).to.equal(false);
    }
    h = await startHarness(ns.client, ns.index, { timeZone: 'UTC' });
  });
  after(() => h?.close());

  it('the total says 10,000+ past 10,000 matching events', async () => {
    const http = new HttpSession(h.web.url);
    await http.signIn('aude');
    const body = await (await http.request('/manage/audit')).text();
    expect(body).to.match(/id="total">[^<]*10,000\+/);
  });

  describe('times in the reader’s time zone', () => {
    const newestTime = async (options: { javaScriptEnabled: boolean }): Promise<string> => {
      let browser: { context: BrowserContext; close(): Promise<void> } | undefined;
      try {
        browser = await launchBrowser({ ...options, timezoneId: 'America/New_York' });
        const page = await browser.context.newPage();
        await page.goto(`${h.web.url}/login`);
        await page.getByLabel('User name').fill('aude');
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        const time = page.locator('tbody.event time').first();
        expect(await time.getAttribute('datetime')).to.equal(new Date(NEWEST).toISOString());
        expect(await time.getAttribute('title')).to.equal('2026-11-20 10:00:00.000 UTC');
        return await time.innerText();
      } finally {
        await browser?.close();
      }
    };

    it('with JavaScript, the browser’s zone (New York: 05:00 for 10:00 UTC)', async () => {
      const text = await newestTime({ javaScriptEnabled: true });
      expect(text).to.match(/\b0?5:00:00\b/).and.not.match(/\b10:00:00\b/);
    });

    it('without JavaScript, the server’s zone', async () => {
      expect(await newestTime({ javaScriptEnabled: false })).to.match(/\b10:00:00\b/);
    });
  });

  describe('no demo users in production', () => {
    let saved: string | undefined;
    let dir: string;
    beforeEach(() => {
      saved = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      dir = mkdtempSync(join(tmpdir(), 'audit-prod-'));
    });
    afterEach(() => {
      if (saved === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = saved;
      rmSync(dir, { recursive: true, force: true });
    });

    it('ensureDemoUsers creates none when NODE_ENV=production', async () => {
      const users = new UserStore(openWebDatabase(dir));
      try {
        expect(await ensureDemoUsers(users)).to.deep.equal([]);
        expect(users.list()).to.deep.equal([]);
      } finally {
        users.close();
      }
    });

    it('a web server started on an empty data directory has no user at all: nobody signs in', async () => {
      const web = await startWebServer({ client: testClient(), port: 0, dataDir: dir, sessionSecret: 'p'.repeat(32) });
      try {
        expect(web.users.list()).to.deep.equal([]);
        for (const { username } of DEMO_ACCOUNTS) expect((await new HttpSession(web.url).signIn(username, PASSWORD)).status, username).to.equal(401);
      } finally {
        await web.close();
      }
    });

    it('only the development tools (src/dev/) create demo users', () => {
      const src = fileURLToPath(new URL('../../src/', import.meta.url));
      const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));
      const importers = files(src).filter((f) => /from '[^']*demo-users\.js'/.test(readFileSync(f, 'utf8'))).map((f) => relative(src, f));
      expect(importers.filter((f) => !f.startsWith('dev/')), 'modules outside src/dev importing demo-users').to.deep.equal([]);
    });
  });
});
