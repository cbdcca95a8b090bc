import type { Client } from '@opensearch-project/opensearch';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { dataStreamName } from '../../src/storage/template.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { validateEvent, type AuditEvent, type AuditEventInput } from '../../src/model/event.js';
import { toEcsDocument } from '../../src/model/ecs-document.js';
import { parseQuery } from '../../src/query/syntax.js';
import { HttpSession, ACCOUNTS, PASSWORD, launchBrowser, startHarness, type Harness } from './harness.js';
import { BASE, NOW, knownEvents } from './known-events.js';

/** Events with the fields the new keys search: user agent, request id, service, reason, IPv6, names to match by pattern. */
const EXTRA: (AuditEventInput & { service: string })[] = [
  {
    time: new Date(BASE + 3 * 600_000 + 60_000), action: 'login', outcome: 'failure', reason: 'bad password', service: 'billing',
    actor: { id: 'u-dana', name: 'dana', email: 'dana@corp.example' }, resource: { type: 'user', id: 'u-dana', target: 'build-server-7' },
    source: { ip: '10.1.2.3', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', requestId: 'req-42' },
  },
  {
    time: new Date(BASE + 8 * 600_000 + 60_000), action: 'ssh', service: 'platform',
    actor: { id: 'u-erin', name: 'erin', email: 'erin@example.com' }, resource: { type: 'workspace', id: 'ws-erin', target: 'Erin-Dev' },
    source: { ip: '10.9.0.1', userAgent: 'OpenSSH_9.6', requestId: 'req-43' },
  },
  {
    time: new Date(BASE + 13 * 600_000 + 60_000), action: 'delete', service: 'platform',
    actor: { id: 'u-erin', name: 'erin', email: 'erin@example.com' }, resource: { type: 'workspace', id: 'ws-db', target: 'prod-db-dev' },
    source: { ip: '2001:db8::5' },
  },
];

describe('web view: finding events in Chromium (real OpenSearch)', function () {
  this.timeout(90_000);
  let client: Client;
  const namespace = freshNamespace();
  let events: AuditEvent[];
  let extra: AuditEvent[];
  let h: Harness;
  let clock = NOW;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;

  /** Ids of the events matching `keep`, newest first. */
  const idsWhere = (keep: (e: AuditEvent) => boolean): string[] =>
    events.filter(keep).sort((a, b) => b.time.getTime() - a.time.getTime()).map((e) => e.id);
  /** Ids of the listed rows, once the page has loaded (a click only waits for the navigation to start). */
  const shownIds = async (p: Page = page): Promise<string[]> => {
    await p.waitForLoadState('load');
    return p.locator('tbody.event').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
  };
  const search = async (text: string): Promise<void> => {
    await page.goto(`${h.web.url}/manage/audit`);
    await page.getByLabel(/^Search/).fill(text);
    await page.getByRole('button', { name: 'Apply filters' }).click();
  };
  async function signIn(p: Page, user = ACCOUNTS.auditor): Promise<void> {
    await p.goto(`${h.web.url}/login`);
    await p.getByLabel('User name').fill(user);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
  }

  before(async () => {
    client = testClient();
    await setupAuditStorage(client, { namespace });
    const plain = knownEvents().map((e) => ({ event: validateEvent(e), context: { producer: 'web-test' } }));
    const more = EXTRA.map(({ service, ...e }) => ({ event: validateEvent(e), context: { producer: 'find-test', service: { name: service } } }));
    const body = [...plain, ...more].flatMap(({ event, context }) => [{ create: { _index: dataStreamName(namespace), _id: event.id } }, toEcsDocument(event, context)]);
    const res = await client.bulk({ body, refresh: true } as never);
    expect((res.body as { errors: boolean }).errors, 'seeding').to.equal(false);
    events = [...plain, ...more].map((x) => x.event);
    extra = more.map((x) => x.event);
    h = await startHarness(client, dataStreamName(namespace), { now: () => clock, timeZone: 'America/New_York' });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await signIn(page);
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    await dropNamespace(client, namespace);
  });
  beforeEach(() => {
    clock = NOW;
  });

  describe('search keys in the search box', () => {
    const cases: [string, (e: AuditEvent) => boolean][] = [
      ['resource_id:r-3', (e) => e.resource.id === 'r-3'],
      ['request_id:req-42', (e) => e.source.requestId === 'req-42'],
      ['ip:10.0.0.0/8', (e) => !!e.source.ip?.startsWith('10.')],
      ['ip:2001:db8::/32', (e) => e.source.ip === '2001:db8::5'],
      ['ip:203.0.113.7', (e) => e.source.ip === '203.0.113.7'],
      ['user_agent:firefox', (e) => !!e.source.userAgent?.includes('Firefox')],
      ['reason:"BAD PASSWORD"', (e) => e.reason === 'bad password'],
      ['service:platform', (e) => extra.slice(1).includes(e)],
      ['producer:find-test', (e) => extra.includes(e)],
      ['build-server-7', (e) => e.resource.target === 'build-server-7'],
      ['"logged in" dana', (e) => e.actor.name === 'dana'],
      ['text:erin@example.com', (e) => e.actor.email === 'erin@example.com'],
    ];
    for (const [text, keep] of cases) {
      it(`${text} lists exactly the matching events`, async () => {
        const expected = idsWhere(keep);
        expect(expected.length, 'the case must select something').to.be.greaterThan(0).and.lessThan(events.length);
        await search(text);
        expect(await page.locator('#total').innerText()).to.equal(String(expected.length));
        expect(await shownIds()).to.deep.equal(expected);
      });
    }

    it('reads the same keys from the "More filters" fields', async () => {
      await page.goto(`${h.web.url}/manage/audit`);
      await page.getByText('More filters').click();
      await page.getByLabel('Source IP (or CIDR)').fill('10.0.0.0/8');
      await page.getByLabel('Service').fill('billing');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      expect(new URL(page.url()).search).to.equal('?ip=10.0.0.0%2F8&service=billing');
      expect(await shownIds()).to.deep.equal([extra[0]!.id]);
    });
  });

  describe('NOT', () => {
    it('-key:value and NOT key:value leave the matches out', async () => {
      await search('-action:login NOT outcome:failure -service:platform');
      const expected = idsWhere((e) => e.action !== 'login' && e.outcome !== 'failure' && !extra.slice(1).includes(e));
      expect(await shownIds()).to.deep.equal(expected);
    });
  });

  describe('wildcards on target and user', () => {
    it('target:*-dev matches targets ending in -dev, ignoring case', async () => {
      await search('target:*-dev');
      expect(await shownIds()).to.deep.equal(idsWhere((e) => !!e.resource.target?.toLowerCase().endsWith('-dev')));
    });

    it('user:*@corp.example matches by e-mail', async () => {
      await search('user:*@corp.example');
      expect(await shownIds()).to.deep.equal([extra[0]!.id]);
    });

    it('refuses target:* with a message instead of an empty list', async () => {
      const res = await page.goto(`${h.web.url}/manage/audit?q=${encodeURIComponent('target:*')}`);
      expect(res?.status()).to.equal(400);
      expect(await page.getByRole('alert').innerText()).to.include("the pattern '*' is too broad");
      expect(await page.locator('tbody.event').count()).to.equal(0);
    });
  });

  describe('relative times', () => {
    it('from:now-1h counts from the page\'s now', async () => {
      await search('from:now-1h');
      expect(await shownIds()).to.deep.equal(idsWhere((e) => e.time.getTime() >= NOW.getTime() - 3600_000));
    });

    it('to:now-1h in the To field keeps only older events', async () => {
      await page.goto(`${h.web.url}/manage/audit`);
      await page.getByLabel('To (UTC, through that day)').fill('now-1h');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      expect(await shownIds()).to.deep.equal(idsWhere((e) => e.time.getTime() < NOW.getTime() - 3600_000));
    });
  });

  describe('values of a row are links that narrow the filter', () => {
    for (const [column, param, valueOf] of [
      ['user', 'user', (e: AuditEvent) => e.actor.id],
      ['action', 'action', (e: AuditEvent) => e.action],
      ['target', 'target', (e: AuditEvent) => e.resource.target ?? ''],
      ['ip', 'ip', (e: AuditEvent) => e.source.ip ?? ''],
      ['outcome', 'outcome', (e: AuditEvent) => e.outcome],
      ['rtype', 'resource_type', (e: AuditEvent) => e.resource.type],
    ] as const) {
      it(`${param}: clicking it keeps the filter and adds ${param}=<value>`, async () => {
        await page.goto(`${h.web.url}/manage/audit?q=${encodeURIComponent('service:platform')}`);
        const row = extra[2]!;
        await page.locator(`tbody.event[data-id="${row.id}"] td.${column} a`).click();
        const url = new URL(page.url());
        expect(url.searchParams.get(param)).to.equal(valueOf(row));
        expect(url.searchParams.get('q')).to.equal('service:platform');
        const value = valueOf(row);
        const expected = idsWhere((e) => extra.slice(1).includes(e) && valueOf(e).toLowerCase() === value.toLowerCase());
        expect(await shownIds()).to.deep.equal(expected);
      });
    }

    it('replaces a value of the same key in the search box instead of contradicting it', async () => {
      await page.goto(`${h.web.url}/manage/audit?q=${encodeURIComponent('user:erin service:platform')}`);
      await page.locator(`tbody.event[data-id="${extra[2]!.id}"] td.user a`).click();
      const url = new URL(page.url());
      expect([url.searchParams.get('user'), url.searchParams.get('q')]).to.deep.equal(['u-erin', 'service:platform']);
      expect(await shownIds()).to.deep.equal([extra[2]!.id, extra[1]!.id]);
    });
  });

  describe('histogram', () => {
    it('draws bars over the range and a bar narrows the list to its time', async () => {
      await page.goto(`${h.web.url}/manage/audit?from=2026-11-20T08:00Z`);
      const bars = page.locator('figure.histogram a.bar');
      expect(await bars.count()).to.be.greaterThan(1);
      const labels = await bars.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''));
      const counts = labels.map((l) => Number(/^(\d+) event/.exec(l)?.[1]));
      expect(counts.reduce((a, b) => a + b, 0)).to.equal(Number(await page.locator('#total').innerText()));
      await bars.nth(1).click();
      const url = new URL(page.url());
      const from = new Date(url.searchParams.get('from')!);
      const to = new Date(url.searchParams.get('to')!);
      expect(await page.locator('#total').innerText()).to.equal(String(counts[1]));
      expect(await shownIds()).to.deep.equal(idsWhere((e) => e.time >= from && e.time < to));
    });
  });

  describe('count, time zone and paging', () => {
    it('says "1–5 of N", then "6–10 of N" on the older page and back', async () => {
      await page.goto(`${h.web.url}/manage/audit?size=5`);
      const total = String(events.length);
      expect(await page.locator('#count').innerText()).to.match(new RegExp(`^1–5 of ${total} matching events`));
      await page.locator('nav.pager').first().locator('a.older').click();
      expect(await page.locator('#count').innerText()).to.match(new RegExp(`^6–10 of ${total} `));
      await page.locator('nav.pager').first().locator('a.newer').click();
      expect(await page.locator('#count').innerText()).to.match(new RegExp(`^1–5 of ${total} `));
    });

    it('labels times with the reader\'s zone, and the switch shows them in UTC', async () => {
      await page.goto(`${h.web.url}/manage/audit`);
      const browserZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
      expect(await page.locator('#zone').innerText()).to.equal(browserZone);
      await page.getByRole('link', { name: 'show UTC' }).click();
      expect(new URL(page.url()).searchParams.get('tz')).to.equal('utc');
      expect(await page.locator('#zone').innerText()).to.equal('UTC');
      const newest = events.reduce((a, b) => (a.time > b.time ? a : b));
      const cell = await page.locator(`tbody.event[data-id="${newest.id}"] time`).innerText();
      expect(cell).to.equal(new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }).format(newest.time));
      await page.getByRole('button', { name: 'Apply filters' }).click();
      expect(new URL(page.url()).searchParams.get('tz'), 'the form keeps the choice').to.equal('utc');
      await page.getByRole('link', { name: 'show local times' }).click();
      expect(new URL(page.url()).searchParams.has('tz')).to.equal(false);
    });
  });

  describe('clean URLs', () => {
    it('the form sends no empty fields', async () => {
      await page.goto(`${h.web.url}/manage/audit`);
      await page.getByLabel('User', { exact: true }).fill('alice');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      expect(new URL(page.url()).search).to.equal('?user=alice');
    });

    it('the server redirects a URL with empty parameters to its clean form', async () => {
      const http = new HttpSession(h.web.url);
      await http.signIn(ACCOUNTS.auditor);
      const res = await http.request('/manage/audit?q=&action=&user=bob&range=&from=');
      expect(res.status).to.equal(303);
      expect(res.headers.get('location')).to.equal('/manage/audit?user=bob');
    });
  });

  describe('export', () => {
    it('pins a relative range to the page\'s now, and the files say filter, time taken and row count', async () => {
      await page.goto(`${h.web.url}/manage/audit?q=${encodeURIComponent('from:now-2h -action:login')}`);
      const pinned = `from:${new Date(NOW.getTime() - 2 * 3600_000).toISOString()} -action:login`;
      const expected = idsWhere((e) => e.time.getTime() >= NOW.getTime() - 2 * 3600_000 && e.action !== 'login');
      const csvHref = await page.getByRole('link', { name: 'CSV' }).getAttribute('href');
      const ndjsonHref = await page.getByRole('link', { name: 'NDJSON' }).getAttribute('href');
      expect(new URL(csvHref!, h.web.url).searchParams.get('q')).to.equal(pinned);
      clock = new Date(NOW.getTime() + 3600_000); // an hour later, the link still means the same events
      const csv = (await (await page.request.get(`${h.web.url}${csvHref}`)).text()).trimEnd().split('\r\n');
      expect(csv.slice(-3)).to.deep.equal([`# filter: ${pinned}`, `# taken at: ${clock.toISOString()}`, `# rows: ${expected.length}`]);
      expect(csv.slice(1, -3).map((l) => l.split(',')[1])).to.deep.equal(expected);
      const lines = (await (await page.request.get(`${h.web.url}${ndjsonHref}`)).text()).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.at(-1)).to.deep.equal({ audit_trail_export: { filter: pinned, taken_at: clock.toISOString(), rows: expected.length } });
      expect(lines.slice(0, -1).map((d) => (d.event as { id: string }).id)).to.deep.equal(expected);
      expect(parseQuery(pinned)).to.have.property('from');
    });
  });

  describe('without JavaScript', () => {
    it('ticks several values without Ctrl, keeps the URL clean, follows a histogram bar and shows the server\'s zone', async () => {
      const plain = await launchBrowser({ javaScriptEnabled: false });
      try {
        const p = await plain.context.newPage();
        await signIn(p);
        await p.goto(`${h.web.url}/manage/audit`);
        expect(await p.locator('#zone').innerText()).to.equal('America/New_York');
        const newest = events.reduce((a, b) => (a.time > b.time ? a : b));
        expect(await p.locator(`tbody.event[data-id="${newest.id}"] time`).innerText()).to.equal(
          new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'America/New_York' }).format(newest.time),
        );
        const actions = p.getByRole('group', { name: 'Action', exact: true });
        await actions.getByLabel('login', { exact: true }).click();
        await actions.getByLabel('ssh', { exact: true }).click();
        await p.getByRole('button', { name: 'Apply filters' }).click();
        expect(new URL(p.url()).search).to.equal('?action=login&action=ssh');
        expect(await shownIds(p)).to.deep.equal(idsWhere((e) => e.action === 'login' || e.action === 'ssh'));
        await p.locator('figure.histogram a.bar').first().click();
        const url = new URL(p.url());
        expect(url.searchParams.getAll('action')).to.deep.equal(['login', 'ssh']);
        const from = new Date(url.searchParams.get('from')!);
        const to = new Date(url.searchParams.get('to')!);
        expect(await shownIds(p)).to.deep.equal(idsWhere((e) => (e.action === 'login' || e.action === 'ssh') && e.time >= from && e.time < to));
      } finally {
        await plain.close();
      }
    });
  });
});
