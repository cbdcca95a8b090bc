// Single sign-on in Chromium against a real OpenID Connect provider: sign-in and role mapping, no role claim, a replayed or foreign state, an ID token for another audience, local users, sign-out here and at the provider.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Client } from '@opensearch-project/opensearch';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { decodeJwt } from 'jose';
import { startProvider, type TestProvider } from '../helpers/oidc-provider.js';
import { dataStreamName } from '../../src/storage/template.js';
import type { AuditorAction } from '../../src/web/auditor-action.js';
import { PASSWORD, launchBrowser, seedEvents, startHarness, type Harness } from './harness.js';
import { NOW, knownEvents } from './known-events.js';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

describe('web view: single sign-on with OpenID Connect (real provider, Chromium)', function () {
  this.timeout(60_000);
  let client: Client;
  const namespace = freshNamespace();
  let h: Harness;
  let idp: TestProvider;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const heard: AuditorAction[] = [];
  const callbacks: string[] = [];

  /** Clicks the single sign-on button and signs in at the provider's own form. */
  async function signInAtProvider(login: string): Promise<void> {
    await page.goto(`${h.web.url}/login?next=${encodeURIComponent('/manage/audit?outcome=failure')}`);
    await page.getByRole('link', { name: 'Sign in with Example ID' }).click();
    expect(page.url().startsWith(idp.issuer)).to.equal(true);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('anything');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === h.web.url && !url.pathname.startsWith('/auth/oidc/callback'));
  }

  /** Signs out; a single sign-on user then confirms the sign-out at the provider (its own page), which sends the browser back to /login. */
  async function signOut(): Promise<void> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login' || url.href.startsWith(`${idp.issuer}/session/end`));
    if (page.url().startsWith(idp.issuer)) {
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.waitForURL((url) => url.href === `${h.web.url}/login`);
    }
  }

  before(async () => {
    client = testClient();
    await seedEvents(client, namespace, knownEvents());
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/auth/oidc/callback`;
    idp = await startProvider(redirectUri, {
      ann: { roles: ['auditors'] },
      max: { roles: ['staff', 'audit-admins'] },
      mel: { roles: ['staff'] },
      nora: {},
    });
    h = await startHarness(client, dataStreamName(namespace), {
      port,
      now: () => NOW,
      onAuditorAction: (a) => heard.push(a),
      oidc: {
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        redirectUri,
        roleMap: { auditors: 'auditor', 'audit-admins': 'site_manager', staff: 'member' },
        label: 'Sign in with Example ID',
      },
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('request', (r) => {
      if (r.url().includes('/auth/oidc/callback')) callbacks.push(r.url());
    });
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    await idp?.close();
    await dropNamespace(client, namespace);
  });
  beforeEach(async () => {
    heard.length = 0;
    callbacks.length = 0;
    await browser.context.clearCookies();
  });

  describe('sign-in and role mapping', () => {
    it('an auditor at the provider signs in, lands where they were going, with the mapped role', async () => {
      await signInAtProvider('ann');
      expect(page.url()).to.equal(`${h.web.url}/manage/audit?outcome=failure`);
      await expect(page.locator('form.signout').innerText()).to.eventually.match(/Signed in as\s+ann\s+\(auditor\)/);
      await expect(page.locator('#total').count()).to.eventually.equal(1);
      // The sign-in, then the list page it landed on (a read of the audit log by the same person).
      expect(heard.map((a) => a.kind)).to.deep.equal(['sso.sign_in', 'audit.list']);
      expect(heard[0]).to.deep.include({ kind: 'sso.sign_in', outcome: 'success' });
      expect(heard[1]!.actor).to.deep.include({ type: 'sso_user', subject: 'ann' });
      expect(heard[0]!.actor).to.deep.equal({ type: 'sso_user', issuer: idp.issuer, subject: 'ann', name: 'ann', email: 'ann@example.com', role: 'auditor' });
      await signOut();
    });

    it('the strongest mapped role wins (staff and audit-admins → site_manager)', async () => {
      await signInAtProvider('max');
      await expect(page.locator('form.signout').innerText()).to.eventually.match(/\(site_manager\)/);
      await signOut();
    });

    it('a claim mapped to member signs in and is refused the audit log like a local member', async () => {
      await signInAtProvider('mel');
      await expect(page.locator('main').innerText()).to.eventually.include('Only site_manager and auditor may see the audit log');
      await signOut();
    });

    it('no role claim, no access: no session, a page saying why, the hook told', async () => {
      await page.goto(`${h.web.url}/login`);
      await page.getByRole('link', { name: 'Sign in with Example ID' }).click();
      await page.locator('input[name="login"]').fill('nora');
      await page.locator('input[name="password"]').fill('anything');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      const answer = page.waitForResponse((r) => r.url().includes('/auth/oidc/callback'));
      await page.getByRole('button', { name: 'Continue' }).click();
      expect((await answer).status()).to.equal(403);
      await expect(page.locator('main').innerText()).to.eventually.include("gives no role for the audit trail (nothing in the claim 'roles' maps to one)");
      await page.goto(`${h.web.url}/manage/audit`);
      expect(new URL(page.url()).pathname).to.equal('/login');
      expect(heard.filter((a) => a.kind === 'sso.sign_in').map((a) => [a.kind, a.outcome, a.actor.type === 'sso_user' && a.actor.subject, a.reason])).to.deep.equal([['sso.sign_in', 'failure', 'nora', "no role in the claim 'roles'"]]);
    });
  });

  describe('answers that must be refused', () => {
    it('a replayed callback (same state and code) is refused, before and after sign-out', async () => {
      await signInAtProvider('ann');
      expect(callbacks).to.have.length(1);
      const replay = await page.goto(callbacks[0]!);
      expect(replay!.status()).to.equal(400);
      await expect(page.locator('main').innerText()).to.eventually.include('not one this browser is waiting for');
      await page.goto(`${h.web.url}/manage/audit`);
      await signOut();
      const again = await page.goto(callbacks[0]!);
      expect(again!.status()).to.equal(400);
      await page.goto(`${h.web.url}/manage/audit`);
      expect(new URL(page.url()).pathname).to.equal('/login');
      expect(heard.filter((a) => a.outcome === 'failure').map((a) => a.reason)).to.deep.equal(Array(2).fill('no sign-in under way for this answer (replayed or foreign state)'));
    });

    it('an answer whose state is not the one this browser sent is refused', async () => {
      await page.goto(`${h.web.url}/login`);
      // Start a sign-in (this browser now waits for its own state), then arrive with another one.
      await page.getByRole('link', { name: 'Sign in with Example ID' }).click();
      const res = await page.goto(`${h.web.url}/auth/oidc/callback?code=stolen-code&state=someone-elses-state&iss=${encodeURIComponent(idp.issuer)}`);
      expect(res!.status()).to.equal(401);
      await expect(page.locator('main').innerText()).to.eventually.include('unexpected "state" response parameter value');
      await page.goto(`${h.web.url}/manage/audit`);
      expect(new URL(page.url()).pathname).to.equal('/login');
    });

    it('an ID token signed by the provider but for another audience is refused', async () => {
      idp.forgeAudience = 'another-app';
      try {
        await page.goto(`${h.web.url}/login`);
        await page.getByRole('link', { name: 'Sign in with Example ID' }).click();
        await page.locator('input[name="login"]').fill('ann');
        await page.locator('input[name="password"]').fill('anything');
        await page.getByRole('button', { name: 'Sign-in' }).click();
        const answer = page.waitForResponse((r) => r.url().includes('/auth/oidc/callback'));
        await page.getByRole('button', { name: 'Continue' }).click();
        expect((await answer).status()).to.equal(401);
          await expect(page.locator('main').innerText()).to.eventually.include('unexpected JWT "aud" (audience) claim value');
        await page.goto(`${h.web.url}/manage/audit`);
        expect(new URL(page.url()).pathname).to.equal('/login');
        expect(heard.filter((a) => a.kind === 'sso.sign_in').map((a) => a.outcome)).to.deep.equal(['failure']);
      } finally {
        idp.forgeAudience = undefined;
      }
    });
  });

  describe('beside local users', () => {
    it('local users still sign in with their password, and sign-out ends their session', async () => {
      await page.goto(`${h.web.url}/login`);
      await page.getByLabel('User name').fill('aude');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.locator('form.signout').innerText()).to.eventually.match(/Signed in as\s+aude\s+\(auditor\)/);
      await signOut();
      await page.goto(`${h.web.url}/manage/audit`);
      expect(new URL(page.url()).pathname).to.equal('/login');
    });

    it('sign-out ends a single sign-on session: its cookie opens nothing afterwards', async () => {
      await signInAtProvider('ann');
      const cookie = (await browser.context.cookies(h.web.url)).find((c) => c.name === 'audit_trail.sid')!;
      await signOut();
      const res = await fetch(`${h.web.url}/manage/audit`, { headers: { cookie: `${cookie.name}=${cookie.value}` }, redirect: 'manual' });
      expect(res.status).to.equal(303);
    });
  });

  describe('sign-out at the identity provider (RP-initiated logout)', () => {
    /** Every request the browser makes to the provider. */
    const atProvider: string[] = [];
    before(() => page.on('request', (r) => void (r.url().startsWith(idp.issuer) && atProvider.push(r.url()))));
    beforeEach(() => {
      atProvider.length = 0;
      idp.endSessionRequests.length = 0;
    });

    it('ends the local session first, then the provider’s: signing in again asks for credentials', async () => {
      await signInAtProvider('ann');
      // While the provider's session lasts, a new sign-in goes straight through (no form at the provider).
      await page.goto(`${h.web.url}/auth/oidc/start?next=${encodeURIComponent('/manage/audit')}`);
      await page.waitForURL(`${h.web.url}/manage/audit`);
      const cookie = (await browser.context.cookies(h.web.url)).find((c) => c.name === 'audit_trail.sid')!;
      heard.length = 0;

      // The answer to the sign-out, kept before its meta refresh moves on.
      const interim = new Promise<{ status: number; body: string; cookie: string }>((resolve) => {
        void page.route(`${h.web.url}/logout`, async (route) => {
          const response = await route.fetch({ maxRedirects: 0 });
          const body = await response.text();
          resolve({ status: response.status(), body, cookie: (response.headers()['set-cookie'] ?? '').split(';')[0]! });
          await route.fulfill({ response, body });
        });
      });
      await page.getByRole('button', { name: 'Sign out' }).click();
      const { status, body: interimPage, cookie: interimCookie } = await interim;
      await page.unroute(`${h.web.url}/logout`);
      expect(status).to.equal(200);
      expect(interimPage).to.include('You are signed out of the audit trail').and.include('url=/auth/oidc/end-session');
      expect(interimCookie).to.match(/^audit_trail\.sid=/).and.not.include(cookie.value);
      // The local session is gone before the browser reaches the provider.
      const before = await fetch(`${h.web.url}/manage/audit`, { headers: { cookie: `${cookie.name}=${cookie.value}` }, redirect: 'manual' });
      expect(before.status).to.equal(303);

      await page.waitForURL((url) => url.href.startsWith(`${idp.issuer}/session/end`));
      expect(idp.endSessionRequests).to.have.length(1);
      const params = idp.endSessionRequests[0]!;
      const idToken = params.get('id_token_hint')!;
      expect(decodeJwt(idToken)).to.include({ sub: 'ann', aud: idp.clientId, iss: idp.issuer });
      expect(params.get('client_id')).to.equal(idp.clientId);
      expect(params.get('post_logout_redirect_uri')).to.equal(`${h.web.url}/login`);
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.waitForURL(`${h.web.url}/login`);

      // The ID token was never in a page or a cookie of the web view, nor in what was reported.
      expect(interimPage).not.to.include(idToken);
      expect(JSON.stringify(await browser.context.cookies(h.web.url))).not.to.include(idToken);
      expect(JSON.stringify(heard)).not.to.include(idToken);
      expect(heard.map((a) => [a.kind, a.outcome, a.target.providerSignOut])).to.deep.equal([['sign_out', 'success', 'requested']]);
      expect(heard[0]!.actor).to.deep.include({ type: 'sso_user', subject: 'ann', role: 'auditor' });

      // The provider's session is gone: a new sign-in stops at its sign-in form.
      await page.goto(`${h.web.url}/auth/oidc/start`);
      await page.waitForURL((url) => url.origin === idp.issuer);
      await expect(page.locator('input[name="login"]').isVisible()).to.eventually.equal(true);
      // The anonymous session that held the way on to the provider was used once: its cookie now leads only to the sign-in page.
      const again = await fetch(`${h.web.url}/auth/oidc/end-session`, { headers: { cookie: interimCookie }, redirect: 'manual' });
      expect(again.headers.get('location')).to.equal('/login');
    });

    it('a local user’s sign-out stays local: nothing is asked of the provider', async () => {
      await page.goto(`${h.web.url}/login`);
      await page.getByLabel('User name').fill('sam');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${h.web.url}/manage/audit`);
      heard.length = 0;
      await signOut();
      expect(page.url()).to.equal(`${h.web.url}/login`);
      expect(atProvider).to.deep.equal([]);
      expect(heard.map((a) => [a.kind, a.actor.type, a.target.status, a.target.providerSignOut])).to.deep.equal([['sign_out', 'user', 303, undefined]]);
    });

    it('the provider not answering: the local session still ends, and the page says the provider’s may not have', async () => {
      await signInAtProvider('ann');
      const cookie = (await browser.context.cookies(h.web.url)).find((c) => c.name === 'audit_trail.sid')!;
      // Another web process over the same sessions, which has not read the provider's discovery document yet.
      const second = await h.restart({ port: 0 });
      idp.down = true;
      try {
        await page.goto(`${second.url}/manage/audit`);
        await expect(page.locator('form.signout').innerText()).to.eventually.match(/Signed in as\s+ann/);
        heard.length = 0;
        const answer = page.waitForResponse((r) => r.url() === `${second.url}/logout`);
        await page.getByRole('button', { name: 'Sign out' }).click();
        expect((await answer).status()).to.equal(200);
        await expect(page.locator('main').innerText()).to.eventually.include('You are signed out of the audit trail').and.include('did not answer, so your session there may still be open');
        await expect(page.locator('form.signout').count()).to.eventually.equal(0);
        for (const url of [h.web.url, second.url]) {
          const res = await fetch(`${url}/manage/audit`, { headers: { cookie: `${cookie.name}=${cookie.value}` }, redirect: 'manual' });
          expect(res.status, url).to.equal(303);
        }
        expect(heard.map((a) => [a.kind, a.outcome, a.target.providerSignOut])).to.deep.equal([['sign_out', 'success', 'unavailable']]);
      } finally {
        idp.down = false;
        await second.close();
      }
    });

    it('a provider that offers no end-session endpoint: the sign-out stays local, as before', async () => {
      const port = await freePort();
      const quiet = await startProvider(`http://127.0.0.1:${port}/auth/oidc/callback`, { ann: { roles: ['auditors'] } }, undefined, { rpInitiatedLogout: false });
      const other = await h.restart({ port, oidc: { issuer: quiet.issuer, clientId: quiet.clientId, clientSecret: quiet.clientSecret, redirectUri: `http://127.0.0.1:${port}/auth/oidc/callback`, roleMap: { auditors: 'auditor' }, label: 'Sign in with Example ID' } });
      try {
        await page.goto(`${other.url}/login`);
        await page.getByRole('link', { name: 'Sign in with Example ID' }).click();
        await page.locator('input[name="login"]').fill('ann');
        await page.locator('input[name="password"]').fill('anything');
        await page.getByRole('button', { name: 'Sign-in' }).click();
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.waitForURL(`${other.url}/manage/audit`);
        heard.length = 0;
        atProvider.length = 0;
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.waitForURL(`${other.url}/login`);
        expect(atProvider.filter((u) => u.startsWith(quiet.issuer))).to.deep.equal([]);
        expect(heard.map((a) => [a.kind, a.target.status, a.target.providerSignOut])).to.deep.equal([['sign_out', 303, 'not offered']]);
      } finally {
        await other.close();
        await quiet.close();
      }
    });
  });
});
