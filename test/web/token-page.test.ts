// Manage > Tokens against the real node: a site manager lists, creates (shown once) and revokes API tokens with the rules of `audit-trail tokens`, over HTTP and in Chromium; auditors and members are refused; every change and refused change reaches the hook.
import { createHash } from 'node:crypto';
import type { Client } from '@opensearch-project/opensearch';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { dataStreamName } from '../../src/storage/template.js';
import { openWebDatabase } from '../../src/web/auth/data.js';
import { TokenError, TokenStore, checkTokenName, parseExpiry } from '../../src/web/api/token-store.js';
import type { AuditorAction } from '../../src/web/auditor-action.js';
import { ACCOUNTS, HttpSession, PASSWORD, launchBrowser, seedEvents, startHarness, type Harness } from './harness.js';
import { NOW, knownEvents } from './known-events.js';

const DAY = 86_400_000;

/** The message a rule of the token store gives for a value. */
const ruleMessage = (check: () => unknown): string => {
  try {
    check();
  } catch (error) {
    if (error instanceof TokenError) return error.message;
  }
  throw new Error('the rule accepted the value');
};

/** Handlebars escapes quotes in the page. */
const html = (text: string): string => text.replace(/'/g, '&#x27;').replace(/"/g, '&quot;');

describe('web view: Manage > Tokens (real OpenSearch)', function () {
  this.timeout(60_000);
  let client: Client;
  const namespace = freshNamespace();
  let h: Harness;
  const heard: AuditorAction[] = [];

  const api = (token: string): Promise<Response> => fetch(`${h.web.url}/api/v1/events?size=1`, { headers: { authorization: `Bearer ${token}` } });
  const tokenChanges = (): AuditorAction[] => heard.filter((a) => a.kind.startsWith('token.'));
  const row = (body: string, name: string): string => new RegExp(`<tr data-token="${name}"[\\s\\S]*?</tr>`).exec(body)?.[0] ?? '';

  before(async () => {
    client = testClient();
    await seedEvents(client, namespace, knownEvents());
    h = await startHarness(client, dataStreamName(namespace), { now: () => NOW, onAuditorAction: (a) => heard.push(a) });
  });
  after(async () => {
    await h?.close();
    await dropNamespace(client, namespace);
  });
  beforeEach(() => {
    heard.length = 0;
  });

  describe('over HTTP', () => {
    let http: HttpSession;
    before(async () => {
      http = new HttpSession(h.web.url);
      expect((await http.signIn(ACCOUNTS.site_manager)).status).to.equal(303);
    });
    const create = async (form: Record<string, string>): Promise<Response> => http.request('/manage/tokens', { form: { _csrf: await http.token('/manage/tokens'), ...form } });
    const revoke = async (name: string): Promise<Response> => http.request('/manage/tokens/revoke', { form: { _csrf: await http.token('/manage/tokens'), name } });

    it('a site manager creates a token: shown once (no-store), then listed with name, role, times and state, never the token or its hash', async () => {
      const res = await create({ name: 'siem', role: 'auditor', expires: '30d' });
      expect(res.status).to.equal(200);
      expect(res.headers.get('cache-control')).to.equal('no-store');
      const body = await res.text();
      const secret = /id="new-token" readonly value="(atr_[^"]+)"/.exec(body)?.[1];
      expect(secret, 'the token on the answer page').to.match(/^atr_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      expect(body).to.include('it is shown only this once').and.include('Select it and copy it');
      expect(body.split(secret!)).to.have.length(2);

      expect(tokenChanges()).to.deep.equal([{
        kind: 'token.create', time: NOW, outcome: 'success', actor: { type: 'user', name: 'sam', role: 'site_manager' },
        target: { token: 'siem', role: 'auditor', expiresAt: new Date(NOW.getTime() + 30 * DAY).toISOString(), status: 200 }, source: heard[0]!.source,
      }]);
      expect(JSON.stringify(heard)).not.to.include(secret);

      expect((await api(secret!)).status).to.equal(200);
      const list = await (await http.request('/manage/tokens')).text();
      const siem = row(list, 'siem');
      expect(siem).to.include('<td>auditor</td>').and.include('data-state="active"').and.include(`datetime="${NOW.toISOString()}"`).and.include(`datetime="${new Date(NOW.getTime() + 30 * DAY).toISOString()}"`);
      expect(siem, 'its last use, by the API call above').not.to.include('never');
      const hash = createHash('sha256').update(secret!).digest();
      for (const shown of [secret!, secret!.slice(-43), hash.toString('hex'), hash.toString('base64'), hash.toString('base64url')]) expect(list).not.to.include(shown);
    });

    it('refuses what `audit-trail tokens` refuses, in the same words, keeping what was typed; each refusal reported', async () => {
      const cases: [Record<string, string>, number, string][] = [
        [{ name: 'Not OK', role: 'auditor', expires: '' }, 400, ruleMessage(() => checkTokenName('Not OK'))],
        [{ name: 'siem', role: 'auditor', expires: '' }, 409, "a token named 'siem' exists"],
        [{ name: 'root-token', role: 'root', expires: '' }, 400, "'root' is not a role: use one of site_manager, auditor, member"],
        [{ name: 'long-lived', role: 'auditor', expires: '2y' }, 400, ruleMessage(() => parseExpiry('2y'))],
        [{ name: 'too-long', role: 'auditor', expires: '367d' }, 400, 'at most 366d'],
      ];
      for (const [form, status, message] of cases) {
        const res = await create(form);
        const body = await res.text();
        expect(res.status, form.name).to.equal(status);
        expect(body, form.name).to.include('The token was not created').and.include(html(message));
        expect(body, form.name).to.include(`id="token-name" name="name" required autocomplete="off" spellcheck="false" value="${form.name}"`);
      }
      expect(tokenChanges().map((a) => [a.kind, a.outcome, a.target.token, a.target.role, a.target.status])).to.deep.equal([
        ['token.create', 'failure', 'Not OK', 'auditor', 400],
        ['token.create', 'failure', 'siem', 'auditor', 409],
        ['token.create', 'failure', 'root-token', undefined, 400],
        ['token.create', 'failure', 'long-lived', 'auditor', 400],
        ['token.create', 'failure', 'too-long', 'auditor', 400],
      ]);
      expect(tokenChanges().every((a) => a.reason)).to.equal(true);
      const list = await (await http.request('/manage/tokens')).text();
      for (const name of ['root-token', 'long-lived', 'too-long']) expect(row(list, name)).to.equal('');
    });

    it('an empty expiry is the default, 90 days', async () => {
      expect((await create({ name: 'default-expiry', role: 'site_manager', expires: '' })).status).to.equal(200);
      expect(tokenChanges()[0]!.target.expiresAt).to.equal(new Date(NOW.getTime() + 90 * DAY).toISOString());
    });

    it('revokes with the form token: the API refuses the token from then on; it stays listed as revoked', async () => {
      const secret = /value="(atr_[^"]+)"/.exec(await (await create({ name: 'to-revoke', role: 'auditor', expires: '1d' })).text())![1]!;
      expect((await api(secret)).status).to.equal(200);
      heard.length = 0;
      expect((await http.request('/manage/tokens/revoke', { form: { _csrf: 'forged', name: 'to-revoke' } })).status, 'without the form token').to.equal(403);
      expect((await api(secret)).status).to.equal(200);
      const res = await revoke('to-revoke');
      expect(res.status).to.equal(303);
      expect(res.headers.get('location')).to.equal('/manage/tokens');
      expect((await api(secret)).status).to.equal(401);
      const list = await (await http.request('/manage/tokens')).text();
      expect(list).to.include('Token to-revoke revoked');
      expect(row(list, 'to-revoke')).to.include('data-state="revoked"').and.not.include('Revoke to-revoke');
      expect(await (await http.request('/manage/tokens')).text(), 'the notice is shown once').not.to.include('Token to-revoke revoked');
      const unknown = await revoke('no-such-token');
      expect(unknown.status).to.equal(404);
      expect(await unknown.text()).to.include('Nothing was revoked: no token named &#x27;no-such-token&#x27;');
      expect(tokenChanges().map((a) => [a.kind, a.outcome, a.target.token, a.target.role, a.target.status, a.reason])).to.deep.equal([
        ['token.revoke', 'success', 'to-revoke', 'auditor', 303, undefined],
        ['token.revoke', 'failure', 'no-such-token', undefined, 404, "no token named 'no-such-token'"],
      ]);
    });

    it('shares the store of `audit-trail tokens`: tokens made there are listed here, and the other way round', async () => {
      const db = openWebDatabase(h.dataDir);
      try {
        const store = new TokenStore(db);
        store.create('from-cli', 'member', '12h', NOW);
        expect(row(await (await http.request('/manage/tokens')).text(), 'from-cli')).to.include('<td>member</td>');
        expect(store.list().map((t) => t.name)).to.include.members(['siem', 'to-revoke', 'from-cli']);
      } finally {
        db.close();
      }
    });

    it('auditors and members are refused (an auditor is told why), their attempts reported; anonymous goes to sign in', async () => {
      for (const role of ['auditor', 'member'] as const) {
        const other = new HttpSession(h.web.url);
        await other.signIn(ACCOUNTS[role]);
        const page = await other.request('/manage/tokens');
        expect(page.status, role).to.equal(403);
        const text = await page.text();
        expect(text, role).to.include('You cannot open Manage &gt; Tokens').and.include('Only site_manager may manage the API tokens');
        if (role === 'auditor') expect(text).to.include('auditors read the audit log, but may not list, create or revoke tokens');
        expect(await (await other.request('/manage/audit')).text(), 'no Tokens link in the navigation').not.to.include('href="/manage/tokens"');
        const _csrf = await other.token('/manage/audit');
        expect((await other.request('/manage/tokens', { form: { _csrf, name: `by-${role}`, role: 'site_manager', expires: '1d' } })).status).to.equal(403);
        expect((await other.request('/manage/tokens/revoke', { form: { _csrf, name: 'siem' } })).status).to.equal(403);
      }
      expect(tokenChanges().map((a) => [a.kind, a.outcome, a.actor.name, a.target.token, a.target.status, a.reason])).to.deep.equal([
        ['token.create', 'failure', 'aude', 'by-auditor', 403, "the role 'auditor' may not open Manage > Tokens"],
        ['token.revoke', 'failure', 'aude', 'siem', 403, "the role 'auditor' may not open Manage > Tokens"],
        ['token.create', 'failure', 'mem', 'by-member', 403, "the role 'member' may not open Manage > Tokens"],
        ['token.revoke', 'failure', 'mem', 'siem', 403, "the role 'member' may not open Manage > Tokens"],
      ]);
      const list = await (await http.request('/manage/tokens')).text();
      expect(row(list, 'siem')).to.include('data-state="active"');
      expect(row(list, 'by-auditor') + row(list, 'by-member')).to.equal('');
      const anonymous = await new HttpSession(h.web.url).request('/manage/tokens');
      expect(anonymous.status).to.equal(303);
      expect(anonymous.headers.get('location')).to.equal('/login?next=%2Fmanage%2Ftokens');
    });
  });

  describe('in Chromium', () => {
    let browser: { context: BrowserContext; close(): Promise<void> };
    let page: Page;
    const pageErrors: string[] = [];
    before(async () => {
      browser = await launchBrowser();
      page = await browser.context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
    });
    after(() => browser?.close());

    it('a site manager creates a token in the page, the API answers it, and after revoking it refuses it', async () => {
      await page.goto(`${h.web.url}/login`);
      await page.getByLabel('User name').fill(ACCOUNTS.site_manager);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Tokens' }).click();
      expect(new URL(page.url()).pathname).to.equal('/manage/tokens');

      await page.getByLabel('Name').fill('browser-siem');
      await page.getByLabel('Role').selectOption('auditor');
      await page.getByLabel('Expires in').fill('7d');
      await page.getByRole('button', { name: 'Create token' }).click();
      await expect(page.locator('h1').innerText()).to.eventually.equal('Token browser-siem created');
      await expect(page.locator('main').innerText()).to.eventually.include('it is shown only this once');
      await expect(page.getByRole('button', { name: 'Copy' }).isVisible(), 'the Copy button, with JavaScript').to.eventually.equal(true);
      const secret = await page.locator('#new-token').inputValue();
      expect(secret).to.match(/^atr_/);
      expect(tokenChanges().map((a) => [a.kind, a.outcome, a.actor.name, a.target.token])).to.deep.equal([['token.create', 'success', 'sam', 'browser-siem']]);

      const answered = await api(secret);
      expect(answered.status).to.equal(200);
      expect(((await answered.json()) as { events: unknown[] }).events).to.have.length(1);

      await page.getByRole('link', { name: 'Back to the tokens' }).click();
      const line = page.locator('tr[data-token="browser-siem"]');
      await expect(line.getAttribute('data-state')).to.eventually.equal('active');
      await expect(page.locator('main').innerText()).not.to.eventually.include(secret);
      await line.getByRole('button', { name: 'Revoke browser-siem' }).click();
      await expect(page.getByRole('status').innerText()).to.eventually.include('Token browser-siem revoked');
      await expect(line.getAttribute('data-state')).to.eventually.equal('revoked');
      expect((await api(secret)).status).to.equal(401);
      expect(tokenChanges().map((a) => [a.kind, a.outcome, a.target.token])).to.deep.equal([['token.create', 'success', 'browser-siem'], ['token.revoke', 'success', 'browser-siem']]);
      expect(pageErrors).to.deep.equal([]);
    });
  });
});
