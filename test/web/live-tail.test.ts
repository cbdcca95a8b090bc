// Live tail on Manage > Audit in Chromium (real node): new events matching the filter appear on top, a scrolled reader is not moved, the tail ends with the session.
import type { Client } from '@opensearch-project/opensearch';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { dataStreamName } from '../../src/storage/template.js';
import type { AuditEventInput } from '../../src/model/event.js';
import { HttpSession, PASSWORD, launchBrowser, seedEvents, startHarness, type Harness } from './harness.js';
import { NEWEST, NOW, knownEvents } from './known-events.js';

/** The little of the browser's globals the page functions below use (the suite compiles without the DOM library). */
interface PageElement {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { top: number; bottom: number };
}
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement> };
declare const window: { scrollY: number; scrollTo(x: number, y: number): void };

describe('web view: live tail of Manage > Audit (real OpenSearch, Chromium)', function () {
  this.timeout(60_000);
  let client: Client;
  const namespace = freshNamespace();
  let h: Harness;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let minute = 0;

  /** A new event, a minute newer than the last one made. */
  const fresh = (outcome: 'success' | 'failure', target: string): AuditEventInput => ({
    time: new Date(NEWEST + ++minute * 60_000),
    action: 'login',
    actor: { id: 'u-live', name: 'livia' },
    resource: { type: 'user', id: `live-${minute}`, target },
    outcome,
  });
  const topId = (): Promise<string | null> => page.locator('tbody.event').first().getAttribute('data-id');

  async function signIn(): Promise<void> {
    await page.goto(`${h.web.url}/login`);
    await page.getByLabel('User name').fill('aude');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  before(async () => {
    client = testClient();
    await seedEvents(client, namespace, knownEvents());
    h = await startHarness(client, dataStreamName(namespace), { now: () => NOW, liveTail: { pollMs: 250 } });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await signIn();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    await dropNamespace(client, namespace);
  });

  it('puts new events that match the filter on top, and only those', async () => {
    await page.goto(`${h.web.url}/manage/audit?outcome=success`);
    await page.locator('#live-tail', { hasText: 'Live:' }).waitFor();
    const before = await topId();
    const [matching, other] = await seedEvents(client, namespace, [fresh('success', 'live-match'), fresh('failure', 'live-other')]);
    await page.waitForFunction((id) => document.querySelector('tbody.event')?.getAttribute('data-id') === id, matching!.id);
    expect(await page.locator(`tbody.event[data-id="${other!.id}"]`).count()).to.equal(0);
    expect(await page.locator('tbody.event').nth(1).getAttribute('data-id')).to.equal(before);
    await expect(page.locator('tbody.event').first().locator('.target').innerText()).to.eventually.equal('live-match');
    await expect(page.locator('#live-tail').innerText()).to.eventually.equal('Live: 1 new event since you opened the page.');
  });

  it('does not move a reader who has scrolled down', async () => {
    await page.goto(`${h.web.url}/manage/audit`);
    await page.locator('#live-tail', { hasText: 'Live:' }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 700));
    const anchorId = await page.evaluate(() => [...document.querySelectorAll('tbody.event')].find((r) => r.getBoundingClientRect().top > 0)!.getAttribute('data-id'));
    const where = (): Promise<{ top: number; scrollY: number }> =>
      page.evaluate((id) => ({ top: document.querySelector(`tbody.event[data-id="${id}"]`)!.getBoundingClientRect().top, scrollY: window.scrollY }), anchorId);
    const before = await where();
    expect(before.scrollY).to.be.greaterThan(0);
    const [added] = await seedEvents(client, namespace, [fresh('success', 'while-scrolled')]);
    await page.waitForFunction((id) => document.querySelector('tbody.event')?.getAttribute('data-id') === id, added!.id);
    const after = await where();
    expect(Math.abs(after.top - before.top), 'the row the reader looks at stays where it was').to.be.lessThan(2);
    expect(after.scrollY).to.be.greaterThan(before.scrollY);
  });

  it('leaves an older page as it is', async () => {
    await page.goto(`${h.web.url}/manage/audit?size=5`);
    await page.locator('nav.pager').first().locator('a.older').click();
    const ids = await page.locator('tbody.event').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    await seedEvents(client, namespace, [fresh('success', 'not-on-older-pages')]);
    await page.waitForTimeout(1000);
    expect(await page.locator('tbody.event').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).to.deep.equal(ids);
    expect(await page.locator('#live-tail').innerText()).to.equal('');
  });

  it('stops cleanly when the session ends (signed out in another tab)', async () => {
    await page.goto(`${h.web.url}/manage/audit`);
    await page.locator('#live-tail', { hasText: 'Live:' }).waitFor();
    const other = await browser.context.newPage();
    await other.goto(`${h.web.url}/manage/audit`);
    await other.getByRole('button', { name: 'Sign out' }).click();
    await other.close();
    await page.locator('#live-tail', { hasText: 'Live tail stopped: your session has ended.' }).waitFor({ timeout: 5000 });
    await signIn();
  });

  describe('the stream itself', () => {
    it('sends the new events of the filter, then `end` when the session is destroyed, and closes', async () => {
      const http = new HttpSession(h.web.url);
      await http.signIn('aude');
      const since = `${NEWEST + 1000 * 60_000}_z`;
      const res = await fetch(`${h.web.url}/manage/audit/live?outcome=failure&since=${since}`, { headers: { cookie: http.cookieValue, accept: 'text/event-stream' } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/event-stream/);
      const reading = (async () => {
        let text = '';
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += Buffer.from(chunk).toString('utf8');
        return text;
      })();
      minute = 1000;
      const [failed] = await seedEvents(client, namespace, [fresh('failure', 'stream-1'), fresh('success', 'stream-2')]);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await http.request('/logout', { form: { _csrf: await http.token('/manage/audit') } })).status).to.equal(303);
      const text = await reading;
      expect(text).to.include(`event: events\ndata: {"count":1,"ids":["${failed!.id}"],"more":false}`);
      expect(text.trimEnd().endsWith('event: end\ndata: {"reason":"signed-out"}')).to.equal(true);
    });

    it('refuses without a session (303 to sign in), and a member (403)', async () => {
      const anonymous = await fetch(`${h.web.url}/manage/audit/live?since=1_a`, { headers: { accept: 'text/event-stream' }, redirect: 'manual' });
      expect(anonymous.status).to.equal(303);
      const member = new HttpSession(h.web.url);
      await member.signIn('mem');
      expect((await member.request('/manage/audit/live?since=1_a')).status).to.equal(403);
    });
  });
});
