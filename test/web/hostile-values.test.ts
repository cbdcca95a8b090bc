// Stored values an attacker or an odd producer chose: long values, hidden and bidirectional characters, odd timestamps, CSV separators.
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from '../helpers/chai.js';
import { useAuditNamespace } from '../helpers/namespace.js';
import { toEcsDocument } from '../../src/model/ecs-document.js';
import { validateEvent } from '../../src/model/event.js';
import { launchBrowser, PASSWORD, seedEvents, startHarness, type Harness } from './harness.js';

// Browser globals used inside page.evaluate (the project compiles without the DOM library).
interface BrowserNode { textContent: string | null }
declare const document: {
  documentElement: { scrollWidth: number };
  body: { innerText: string };
  createTreeWalker(root: unknown, what: number): { nextNode(): BrowserNode | null };
  createRange(): { setStart(node: BrowserNode, offset: number): void; setEnd(node: BrowserNode, offset: number): void; getBoundingClientRect(): { left: number } };
};
declare const window: { innerWidth: number };
declare const NodeFilter: { SHOW_TEXT: number };

const LONG_TARGET = `${'x'.repeat(1000)}-long-target-end`.slice(0, 1024);
const LONG_USER = 'u'.repeat(256);
const RLO_USER = 'ACCEPT-rlo-\u202Enimda';
const RLO_TARGET = 'x\u202Etxt.exe';
const NUL_TARGET = 'nul\u0000byte';
const SEMICOLON_AGENT = 'Mozilla/5.0;=HYPERLINK("http://evil.example","x")';
const EPOCH_MILLIS = 1_700_000_000_000;
const BEFORE_1970 = '1969-07-20T20:17:40Z';

const ids = {
  long: '01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4001',
  rlo: '01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4002',
  nul: '01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4003',
  agent: '01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4004',
  epochText: '01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4005',
  epochNumber: '01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4006',
  garbageTime: '01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4007',
};

/** Left edges of the characters of an element's first text node, in logical order: increasing when the line reads left to right. */
async function characterLefts(page: Page, selector: string, text: string): Promise<number[]> {
  return page.locator(selector).first().evaluate((el, wanted) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(wanted);
      if (at < 0) continue;
      return [...wanted].map((_, i) => {
        const range = document.createRange();
        range.setStart(node!, at + i);
        range.setEnd(node!, at + i + 1);
        return range.getBoundingClientRect().left;
      });
    }
    throw new Error(`'${wanted}' is not in one text node of ${el.outerHTML.slice(0, 200)}`);
  }, text);
}

const increasing = (xs: number[]): boolean => xs.every((x, i) => i === 0 || x > xs[i - 1]!);

describe('web view: hostile and odd stored values (Chromium, real OpenSearch)', function () {
  this.timeout(60_000);
  const ns = useAuditNamespace();
  let h: Harness;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const base = { action: 'create' as const, outcome: 'success' as const, source: { ip: '198.51.100.1' } };

  before(async () => {
    await seedEvents(ns.client, ns.namespace, [
      { ...base, id: ids.long, time: new Date('2026-11-20T10:00:00Z'), actor: { id: 'u-long', name: LONG_USER }, resource: { type: 'workspace', id: 'w-long', target: LONG_TARGET }, reason: 'r'.repeat(2048) },
      { ...base, id: ids.rlo, time: new Date('2026-11-20T10:01:00Z'), actor: { id: 'u-rlo', name: RLO_USER }, resource: { type: 'workspace', id: 'w-rlo', target: RLO_TARGET } },
      { ...base, id: ids.nul, time: new Date('2026-11-20T10:02:00Z'), actor: { id: 'u-nul', name: 'nul' }, resource: { type: 'workspace', id: 'w-nul', target: NUL_TARGET } },
      { ...base, id: ids.agent, time: new Date('2026-11-20T10:03:00Z'), actor: { id: 'u-agent', name: 'agent' }, resource: { type: 'workspace', id: 'w-agent' }, source: { ip: '198.51.100.2', userAgent: SEMICOLON_AGENT } },
    ]);
    // Documents another producer wrote: `@timestamp` as epoch milliseconds (text and number, both valid for OpenSearch), and one this version cannot read.
    const odd = (id: string, timestamp: unknown): Record<string, unknown> => ({
      ...toEcsDocument(validateEvent({ ...base, id, time: new Date(EPOCH_MILLIS), actor: { id: `u-${id.slice(-1)}`, name: 'odd' }, resource: { type: 'workspace', id: `w-${id.slice(-1)}` } })),
      '@timestamp': timestamp,
    });
    for (const [id, timestamp] of [[ids.epochText, String(EPOCH_MILLIS)], [ids.epochNumber, EPOCH_MILLIS], [ids.garbageTime, BEFORE_1970]] as const) {
      await ns.client.index({ index: ns.index, id, op_type: 'create', refresh: true, body: odd(id, timestamp) as never });
    }
    h = await startHarness(ns.client, ns.index, { now: () => new Date('2026-11-24T00:00:00Z') });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(`${h.web.url}/login`);
    await page.getByLabel('User name').fill('aude');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  describe('long values', () => {
    for (const [name, path] of [['the list', '/manage/audit'], ['the event page', `/manage/audit/events/${ids.long}`]] as const) {
      it(`${name} is no wider than the window, every column on screen`, async () => {
        await page.goto(h.web.url + path);
        const width = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
        expect(width.page).to.be.at.most(width.window);
        if (path !== '/manage/audit') return;
        const cells = await page.locator(`tbody.event[data-id="${ids.long}"] tr:first-child td, table.events th`).evaluateAll((els) =>
          els.map((e) => {
            const r = e.getBoundingClientRect();
            return { text: (e.textContent ?? '').trim().slice(0, 20), left: r.left, right: r.right, width: r.width };
          }),
        );
        expect(cells).to.have.length(14);
        for (const cell of cells) {
          expect(cell.left, cell.text).to.be.at.least(0);
          expect(cell.right, cell.text).to.be.at.most(width.window);
          expect(cell.width, cell.text).to.be.greaterThan(20);
        }
      });
    }
  });

  describe('hidden and bidirectional characters are shown, never obeyed', () => {
    it('the list shows the code point and reads left to right', async () => {
      await page.goto(`${h.web.url}/manage/audit`);
      const row = page.locator(`tbody.event[data-id="${ids.rlo}"]`);
      expect(await row.locator('td.user').innerText()).to.equal('ACCEPT-rlo-<U+202E>nimda');
      expect(await row.locator('td.target').innerText()).to.equal('x<U+202E>txt.exe');
      expect(increasing(await characterLefts(page, `tbody.event[data-id="${ids.rlo}"] td.user`, 'nimda'))).to.equal(true);
      expect(increasing(await characterLefts(page, `tbody.event[data-id="${ids.rlo}"] td.target`, 'txt.exe'))).to.equal(true);
      expect(await page.evaluate(() => /[\u0000-\u0008\u202A-\u202E\u2066-\u2069]/.test(document.body.innerText))).to.equal(false);
    });

    it('the event page header and JSON show the code point, the header reads left to right', async () => {
      await page.goto(`${h.web.url}/manage/audit/events/${ids.rlo}`);
      const header = page.locator('p.event-line');
      expect(await header.innerText()).to.include('ACCEPT-rlo-<U+202E>nimda').and.include('x<U+202E>txt.exe');
      const lefts = await characterLefts(page, 'p.event-line', 'txt.exe');
      expect(increasing(lefts)).to.equal(true);
      expect(await page.locator('pre.json').innerText()).to.include('"name": "ACCEPT-rlo-\\u202enimda"');
      expect(await page.evaluate(() => /[\u0000-\u0008\u202A-\u202E\u2066-\u2069]/.test(document.body.innerText))).to.equal(false);
    });

    it('a NUL byte never reaches the HTML or the CSV raw; NDJSON keeps the value, escaped', async () => {
      for (const path of ['/manage/audit', `/manage/audit/events/${ids.nul}`, '/manage/audit/export.csv', '/manage/audit/export.ndjson']) {
        const body = await (await page.request.get(h.web.url + path)).text();
        expect(body, path).not.to.match(/[\u0000\u202E]/);
      }
      await page.goto(`${h.web.url}/manage/audit/events/${ids.nul}`);
      expect(await page.locator('p.event-line').innerText()).to.include('nul<U+0000>byte');
      const csv = await (await page.request.get(`${h.web.url}/manage/audit/export.csv`)).text();
      expect(csv).to.include('nul<U+0000>byte').and.include('x<U+202E>txt.exe');
      const ndjson = (await (await page.request.get(`${h.web.url}/manage/audit/export.ndjson`)).text()).trim().split('\n');
      const targets = ndjson.map((line) => (JSON.parse(line) as { audit_trail?: { resource: { target?: string } } }).audit_trail?.resource.target);
      expect(targets).to.include(NUL_TARGET).and.include(RLO_TARGET);
    });
  });

  describe('a CSV cell with a formula after a separator', () => {
    it('is quoted and neutralised, so no separator can split a formula out of it', async () => {
      const csv = await (await page.request.get(`${h.web.url}/manage/audit/export.csv`)).text();
      const line = csv.split('\r\n').find((l) => l.includes(ids.agent))!;
      expect(line).to.include(`"Mozilla/5.0;'=HYPERLINK(""http://evil.example"",""x"")"`);
      for (const separator of [',', ';', '\t']) {
        expect(line.split(separator).some((cell) => /^["\s]*[=+\-@]/.test(cell)), `split on ${JSON.stringify(separator)}`).to.equal(false);
      }
    });
  });

  describe('@timestamp as epoch milliseconds', () => {
    for (const [name, id] of [['text', ids.epochText], ['number', ids.epochNumber]] as const) {
      it(`as ${name}: the list and the event page show the right time`, async () => {
        await page.goto(`${h.web.url}/manage/audit`);
        expect(await page.locator(`tbody.event[data-id="${id}"] time`).getAttribute('datetime')).to.equal(new Date(EPOCH_MILLIS).toISOString());
        const res = await page.goto(`${h.web.url}/manage/audit/events/${id}`);
        expect(res?.status()).to.equal(200);
        expect(await page.locator('time').first().getAttribute('title')).to.equal('2023-11-14 22:13:20.000 UTC');
      });
    }

    it('a timestamp still unreadable (valid for OpenSearch, before 1970) is shown as stored, never a 500', async () => {
      for (const path of ['/manage/audit', `/manage/audit/events/${ids.garbageTime}`]) {
        const res = await page.goto(h.web.url + path);
        expect(res?.status(), path).to.equal(200);
        const time = page.locator(path === '/manage/audit' ? `tbody.event[data-id="${ids.garbageTime}"] time` : 'time').first();
        expect(await time.innerText(), path).to.equal(`unreadable: ${BEFORE_1970}`);
      }
    });
  });
});
