import { mkdirSync, copyFileSync } from 'node:fs';
import type { Client } from '@opensearch-project/opensearch';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { dataStreamName } from '../../src/storage/template.js';
import type { AuditEvent } from '../../src/model/event.js';
import type { AuditFilter } from '../../src/query/list.js';
import { parseQuery } from '../../src/query/syntax.js';
import { PASSWORD, launchBrowser, seedEvents, startHarness, type Harness } from './harness.js';
import { NOW, SECRET_NEW, SECRET_OLD, XSS_NAME, XSS_TARGET, expectedIds, knownEvents } from './known-events.js';

/** Ticks values in a checkbox list of the filter form (a plain click each, no Ctrl). */
async function check(p: Page, list: string, ...values: string[]): Promise<void> {
  for (const value of values) await p.getByRole('group', { name: list, exact: true }).getByLabel(value.replace(/_/g, ' '), { exact: true }).check();
}

describe('web view: Manage > Audit in Chromium (real OpenSearch)', function () {
  this.timeout(60_000);
  let client: Client;
  const namespace = freshNamespace();
  let events: AuditEvent[];
  let h: Harness;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const pageErrors: string[] = [];
  /** Content Security Policy refusals: an injected inline script or handler would show here even though the CSP stops it. */
  const cspViolations: string[] = [];

  /** Ids on the current page, then on every older page (following the Older link). */
  async function allIds(): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      ids.push(...(await page.locator('tbody.event').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''))));
      const older = page.locator('nav.pager').first().locator('a.older');
      if (!(await older.count())) return ids;
      await older.click();
    }
    throw new Error('more than 20 pages');
  }

  before(async () => {
    client = testClient();
    events = await seedEvents(client, namespace, knownEvents());
    h = await startHarness(client, dataStreamName(namespace), { now: () => NOW, pageSize: 5 });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    await dropNamespace(client, namespace);
  });

  describe('sign-in and sign-out', () => {
    it('sends an anonymous visitor to sign in, then back to the page', async () => {
      await page.goto(`${h.web.url}/manage/audit?action=login`);
      expect(new URL(page.url()).pathname).to.equal('/login');
      await page.getByLabel('User name').fill('aude');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect(page.url()).to.equal(`${h.web.url}/manage/audit?action=login`);
      await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).innerText()).to.eventually.match(/Manage\s*>?\s*Audit/);
    });

    it('signs out, and the page asks to sign in again', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      expect(new URL(page.url()).pathname).to.equal('/login');
      await page.goto(`${h.web.url}/manage/audit`);
      expect(new URL(page.url()).pathname).to.equal('/login');
      await page.getByLabel('User name').fill('aude');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect(new URL(page.url()).pathname).to.equal('/manage/audit');
    });
  });

  describe('each filter narrows to exactly the expected events', () => {
    const cases: [string, (p: Page) => Promise<void>, AuditFilter][] = [
      ['action', (p) => check(p, 'Action', 'login', 'write'), { actions: ['login', 'write'] }],
      ['resource type', (p) => check(p, 'Resource type', 'workspace'), { resourceTypes: ['workspace'] }],
      ['outcome', (p) => check(p, 'Outcome', 'failure'), { outcomes: ['failure'] }],
      ['target (case-insensitive)', (p) => p.getByLabel('Target', { exact: true }).fill('alice@example.com'), { targets: ['alice@example.com'] }],
      ['user (name, id or e-mail)', (p) => p.getByLabel('User', { exact: true }).fill('bob@example.com'), { users: ['bob@example.com'] }],
      ['from and to', async (p) => {
        await p.getByLabel('From (UTC)').fill('2026-11-20T09:00Z');
        await p.getByLabel('To (UTC, through that day)').fill('2026-11-20T10:30Z');
      }, { from: new Date('2026-11-20T09:00Z'), to: new Date('2026-11-20T10:30Z') }],
      ['preset: last hour', (p) => p.getByLabel('Time range').selectOption('1h').then(() => undefined), { from: new Date(NOW.getTime() - 3600_000) }],
      ['query box', (p) => p.getByLabel(/^Search/).fill('action:create action:write user:alice target:"dave@example.com" from:2026-11-20'),
        parseQuery('action:create action:write user:alice target:"dave@example.com" from:2026-11-20')],
      ['form and query box together (AND)', async (p) => {
        await check(p, 'Outcome', 'success');
        await p.getByLabel(/^Search/).fill('resource_type:user');
      }, { outcomes: ['success'], resourceTypes: ['user'] }],
    ];
    for (const [name, apply, filter] of cases) {
      it(name, async () => {
        await page.goto(`${h.web.url}/manage/audit`);
        await apply(page);
        await page.getByRole('button', { name: 'Apply filters' }).click();
        const expected = expectedIds(events, filter);
        expect(expected.length, 'the case must select something').to.be.greaterThan(0).and.lessThan(events.length);
        expect(await page.locator('#total').innerText()).to.equal(String(expected.length));
        expect(await allIds()).to.deep.equal(expected);
      });
    }

    it('keeps the filter in the URL, and Back restores the previous results', async () => {
      await page.goto(`${h.web.url}/manage/audit?outcome=failure`);
      await page.getByLabel(/^Search/).fill('user:carol');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/q=user%3Acarol/);
      expect(new URL(page.url()).searchParams.get('q')).to.equal('user:carol');
      await page.goBack({ waitUntil: 'load' });
      await page.waitForURL((url) => !url.searchParams.has('q'));
      expect(await page.locator('#total').innerText()).to.equal(String(expectedIds(events, { outcomes: ['failure'] }).length));
    });

    it('shows a syntax error in the page, with its position', async () => {
      await page.goto(`${h.web.url}/manage/audit`);
      await page.getByLabel(/^Search/).fill('user:alice colour:red');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      expect(await page.getByRole('alert').innerText()).to.include("unknown key 'colour'").and.include('at character 12');
    });
  });

  describe('paging', () => {
    it('walks older across every page, then newer back to the first', async () => {
      await page.goto(`${h.web.url}/manage/audit`);
      const pages: string[][] = [];
      for (;;) {
        pages.push(await page.locator('tbody.event').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? '')));
        const older = page.locator('nav.pager').first().locator('a.older');
        if (!(await older.count())) break;
        await older.click();
      }
      expect(pages.map((p) => p.length)).to.deep.equal([5, 5, 5, 5, 3]);
      expect(pages.flat()).to.deep.equal(expectedIds(events, {}));
      for (let i = pages.length - 2; i >= 0; i--) {
        await page.locator('nav.pager').first().locator('a.newer').click();
        expect(await page.locator('tbody.event').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''))).to.deep.equal(pages[i]);
      }
      expect(await page.locator('nav.pager').first().locator('a.newer').count()).to.equal(0);
    });
  });

  describe('row expansion', () => {
    it('shows the diff, secret fields as "changed" without values, the ids and a link to the full event', async () => {
      const diffEvent = events.find((e) => e.diff)!;
      await page.goto(`${h.web.url}/manage/audit?q=target:dave@example.com`);
      const row = page.locator(`tbody.event[data-id="${diffEvent.id}"]`);
      const diff = row.locator('table.diff');
      expect(await diff.isVisible()).to.equal(false);
      await row.locator('summary').click();
      expect(await diff.isVisible()).to.equal(true);
      const lines = await diff.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => (c as unknown as { innerText: string }).innerText.trim())));
      expect(lines).to.deep.include(['role', 'member', 'auditor']);
      expect(lines).to.deep.include(['password', 'changed (secret: values not shown)']);
      const [labels, values] = [await row.locator('dl.facts dt').allTextContents(), await row.locator('dl.facts dd').allTextContents()];
      expect(labels.map((label, i) => [label, values[i]])).to.deep.include(['Resource id', diffEvent.resource.id]);
      // The stored document is on the event's own page, not repeated in every row of the list.
      expect(await row.locator('pre.json').count()).to.equal(0);
      await row.locator('a.event-link').click();
      expect(new URL(page.url()).pathname).to.equal(`/manage/audit/events/${diffEvent.id}`);
      expect(await page.locator('pre.json').innerText()).to.include(`"id": "${diffEvent.id}"`);
      const html = await page.content();
      expect(html).not.to.include(SECRET_OLD);
      expect(html).not.to.include(SECRET_NEW);
    });

    it('shows the exact UTC time on hover', async () => {
      const newest = events[events.length - 1]!;
      await page.goto(`${h.web.url}/manage/audit`);
      const time = page.locator(`tbody.event[data-id="${newest.id}"] time`);
      expect(await time.getAttribute('title')).to.equal(`${newest.time.toISOString().replace('T', ' ').replace('Z', '')} UTC`);
    });
  });

  describe('hostile content', () => {
    const evil = (): AuditEvent => events.find((e) => e.actor.name === XSS_NAME)!;
    /** What a payload would have injected into the page: images, scripts other than the page's own, inline event handlers. */
    const injected = async (p: Page) => ({
      images: await p.locator('img').count(),
      scripts: await p.locator('script').evaluateAll((els) => els.map((e) => e.getAttribute('src'))),
      handlers: await p.locator('*').evaluateAll((els) => els.filter((e) => e.getAttributeNames().some((n: string) => n.startsWith('on'))).length),
    });
    const nothingInjected = { images: 0, scripts: ['/static/audit.js'], handlers: 0 };

    it('the list shows the payloads as text and injects nothing', async () => {
      await page.goto(`${h.web.url}/manage/audit?resource_type=workspace`);
      const row = page.locator(`tbody.event[data-id="${evil().id}"]`);
      await row.locator('summary').click();
      expect(await row.locator('td.user').innerText()).to.equal(XSS_NAME);
      expect(await row.locator('td.target').innerText()).to.equal(XSS_TARGET);
      expect(await row.locator('summary').innerText()).to.include(XSS_TARGET);
      expect(await row.locator('dl.facts').innerText()).to.include('<script>alert(\\"xss-details\\")</script>');
      // The list also loads the live tail's script.
      expect(await injected(page)).to.deep.equal({ ...nothingInjected, scripts: ['/static/audit.js', '/static/live-tail.js'] });
      expect({ pageErrors, cspViolations }).to.deep.equal({ pageErrors: [], cspViolations: [] });
    });

    it('the event page shows the payloads as text and injects nothing', async () => {
      const res = await page.goto(`${h.web.url}/manage/audit/events/${evil().id}`);
      expect(res?.status()).to.equal(200);
      const strong = await page.locator('p.event-line strong').allInnerTexts();
      expect(strong).to.deep.equal([XSS_NAME, XSS_TARGET]);
      expect(await page.locator('pre.json').innerText()).to.include('"other": "\\"><img src=x onerror=alert(\\"xss-details-2\\")>"');
      expect(await injected(page)).to.deep.equal(nothingInjected);
      expect({ pageErrors, cspViolations }).to.deep.equal({ pageErrors: [], cspViolations: [] });
    });

    it('the exports carry the payloads as text, as downloads the browser never renders', async () => {
      for (const format of ['csv', 'ndjson'] as const) {
        const res = await page.request.get(`${h.web.url}/manage/audit/export.${format}?resource_type=workspace`);
        expect(res.headers()['content-type'], format).to.equal(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
        expect(res.headers()['x-content-type-options'], format).to.equal('nosniff');
        expect(res.headers()['content-disposition'], format).to.match(/^attachment; filename="/);
        const line = (await res.text()).split(/\r?\n/).find((l) => l.includes(evil().id))!;
        if (format === 'ndjson') expect((JSON.parse(line) as { user: { name: string } }).user.name).to.equal(XSS_NAME);
        else expect(line).to.include(`,"<script>alert(""xss-name"")</script>",`);
      }
    });

    it('every page carries a CSP that forbids inline script, so a missed escape could still not run', async () => {
      for (const path of ['/manage/audit', `/manage/audit/events/${evil().id}`, '/login']) {
        const res = await page.request.get(h.web.url + path);
        const directives = (res.headers()['content-security-policy'] ?? '').split(';').map((d) => d.trim());
        expect(directives, path).to.include("script-src 'self'").and.include("script-src-attr 'none'").and.include("default-src 'self'");
        expect(directives.filter((d) => d.startsWith('script-src') && /unsafe/.test(d)), path).to.deep.equal([]);
      }
    });
  });

  describe('export', () => {
    it('CSV holds exactly the filtered set, formula cells neutralised, filter and time in the file name', async () => {
      const res = await page.request.get(`${h.web.url}/manage/audit/export.csv?resource_type=dev_url&resource_type=user`);
      expect(res.status()).to.equal(200);
      expect(res.headers()['content-disposition']).to.match(/filename="audit-trail_resource_type-dev_url_resource_type-user_\d{8}T\d{6}Z\.csv"/);
      const lines = (await res.text()).trimEnd().split('\r\n').filter((l) => !l.startsWith('# '));
      expect(lines[0]).to.equal('time,event_id,user_id,user_name,user_email,action,resource_type,resource_id,target,outcome,reason,source_ip,user_agent,request_id,diff,details');
      const ids = lines.slice(1).map((l) => l.split(',')[1]);
      expect(ids).to.deep.equal(expectedIds(events, { resourceTypes: ['dev_url', 'user'] }));
      const formula = lines.find((l) => l.includes('u-formula'))!;
      expect(formula).to.include(",'+cmd|calc,").and.include(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
      expect(lines.join('\n')).not.to.include(SECRET_OLD);
    });

    it('NDJSON holds every event of the filter, in page order', async () => {
      await page.goto(`${h.web.url}/manage/audit?q=outcome:success`);
      const href = await page.getByRole('link', { name: 'NDJSON' }).getAttribute('href');
      const res = await page.request.get(`${h.web.url}${href}`);
      const docs = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { event: { id: string } }).filter((d) => d.event);
      expect(docs.map((d) => d.event.id)).to.deep.equal(expectedIds(events, { outcomes: ['success'] }));
    });
  });

  describe('without JavaScript', () => {
    it('signs in, filters, expands a row and pages with plain HTML', async () => {
      const plain = await launchBrowser({ javaScriptEnabled: false });
      try {
        const p = await plain.context.newPage();
        await p.goto(`${h.web.url}/manage/audit`);
        await p.getByLabel('User name').fill('sam');
        await p.getByLabel('Password').fill(PASSWORD);
        await p.getByRole('button', { name: 'Sign in' }).click();
        await check(p, 'Outcome', 'success');
        await p.getByRole('button', { name: 'Apply filters' }).click();
        const expected = expectedIds(events, { outcomes: ['success'] });
        expect(await p.locator('#total').innerText()).to.equal(String(expected.length));
        await p.locator('nav.pager').first().locator('a.older').click();
        const ids = await p.locator('tbody.event').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
        expect(ids).to.deep.equal(expected.slice(5, 10));
        const row = p.locator(`tbody.event[data-id="${ids[0]}"]`);
        await row.locator('summary').click();
        expect(await row.locator('a.event-link').isVisible()).to.equal(true);
      } finally {
        await plain.close();
      }
    });
  });

  describe('screenshot', () => {
    it('saves the page under test-output/ (and refreshes the README copy with UPDATE_SCREENSHOT=1)', async () => {
      await page.goto(`${h.web.url}/manage/audit?size=8`);
      await page.locator(`tbody.event[data-id="${events.find((e) => e.diff)!.id}"] summary`).click();
      mkdirSync('test-output', { recursive: true });
      const buffer = await page.screenshot({ path: 'test-output/audit-page.png', fullPage: true });
      expect(buffer.length).to.be.greaterThan(10_000);
      if (process.env.UPDATE_SCREENSHOT === '1') copyFileSync('test-output/audit-page.png', 'docs/screenshot-audit.png');
    });
  });
});
