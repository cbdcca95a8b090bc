// Manage > Integrity in Chromium: Verify now, the page reloading itself until the report is there, and a problem's event link followed.
import { mkdirSync } from 'node:fs';
import type { Client } from '@opensearch-project/opensearch';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { ChainProducer, keyPair } from '../helpers/chains.js';
import { ensureCheckpointTemplate, seedProducers, updateEvent } from '../helpers/verify-seed.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { dataStreamName } from '../../src/storage/template.js';
import { ACCOUNTS, PASSWORD, launchBrowser, startHarness, type Harness } from './harness.js';

describe('web view: Manage > Integrity in Chromium (real OpenSearch)', function () {
  this.timeout(60_000);
  const KEY = keyPair();
  const namespace = freshNamespace();
  let client: Client;
  let h: Harness;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    client = testClient();
    await ensureCheckpointTemplate(client);
    await setupAuditStorage(client, { namespace });
    await seedProducers(client, namespace, [new ChainProducer('api-7', KEY.signing).run(30, 10), new ChainProducer('worker-7', KEY.signing).run(12, 6)]);
    await updateEvent(client, namespace, 'api-7-00000011', { audit_trail: { resource: { target: 'innocent' } } });
    h = await startHarness(client, dataStreamName(namespace), { verifyKeys: [KEY.verify] });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  after(async () => {
    await browser?.close();
    await h?.close();
    await dropNamespace(client, namespace);
  });

  it('signs in, opens Integrity from the top navigation, verifies, and follows the changed event’s link', async () => {
    await page.goto(`${h.web.url}/manage/audit`);
    await page.getByLabel('User name').fill(ACCOUNTS.auditor);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Integrity' }).click();
    expect(new URL(page.url()).pathname).to.equal('/manage/integrity');
    await expect(page.locator(`[data-namespace="${namespace}"] .report-head`).innerText()).to.eventually.include('Not verified yet');

    await page.getByRole('button', { name: 'Verify now' }).click();
    // The page reloads itself (meta refresh) until the report is there.
    const head = page.locator(`[data-namespace="${namespace}"] .report-head[data-status="problems"]`);
    await head.waitFor({ timeout: 30_000 });
    await expect(head.innerText()).to.eventually.include('Problems found').and.include('42 events of 2 producers checked');
    await expect(page.locator('tr[data-producer="worker-7"]').innerText()).to.eventually.include('Intact');
    await expect(page.locator('tr[data-producer="api-7"]').innerText()).to.eventually.include('Problems found');
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/integrity-page.png', fullPage: true });

    await page.locator('tr[data-kind="modified"] a.event-link', { hasText: 'api-7-00000011' }).click();
    expect(new URL(page.url()).pathname).to.equal('/manage/audit/events/api-7-00000011');
    await expect(page.locator('[data-link]').getAttribute('data-link')).to.eventually.equal('altered');
    expect(pageErrors).to.deep.equal([]);
  });
});
