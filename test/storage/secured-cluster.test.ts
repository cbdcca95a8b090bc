// Through a secured cluster (nginx: TLS + basic auth before the test node): setup, transport, web view, and errors that say what to fix.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { expect } from '../helpers/chai.js';
import { useSecuredFront } from '../helpers/secured-front.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { sampleEvent } from '../helpers/events.js';
import { HttpSession, PASSWORD } from '../web/harness.js';
import { connectionFromEnvironment, createOpenSearchClient, type ConnectionOptions } from '../../src/storage/connection.js';
import { OpenSearchConnectionError } from '../../src/storage/opensearch-error.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { dataStreamName } from '../../src/storage/template.js';
import { OpenSearchAuditTransport, type TransportWarning } from '../../src/transport/audit-transport.js';
import { startWebServer } from '../../src/web/server.js';
import { openWebDatabase } from '../../src/web/auth/data.js';
import { UserStore } from '../../src/web/auth/users.js';
import { ensureOpenSearch, LauncherError } from '../../src/dev/opensearch/launcher.js';

const event = (i: number, target: string) => ({ level: 'info', message: 'audit', audit: sampleEvent({ id: undefined, time: new Date(), resource: { type: 'workspace', id: `ws-${i}`, target } }) });

/** The web view over `index` with one auditor (aude), reading through `connection`. */
async function startWeb(connection: ConnectionOptions, index: string): Promise<{ session: HttpSession; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'audit-web-secured-'));
  const db = openWebDatabase(dataDir);
  await new UserStore(db).add('aude', 'auditor', PASSWORD);
  db.close();
  const web = await startWebServer({ connection, index, port: 0, dataDir, sessionSecret: randomBytes(32).toString('hex'), timeZone: 'UTC' });
  const session = new HttpSession(web.url);
  expect((await session.signIn('aude')).status).to.equal(303);
  return {
    session,
    close: async () => {
      await web.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function countThrough(connection: ConnectionOptions, index: string): Promise<number> {
  const client = createOpenSearchClient(connection);
  try {
    await client.indices.refresh({ index });
    return (await client.count({ index })).body.count;
  } finally {
    await client.close();
  }
}

describe('a secured cluster (TLS + basic auth in front of the test node)', function () {
  this.timeout(60_000);
  const secured = useSecuredFront();
  const namespace = freshNamespace();
  const index = dataStreamName(namespace);
  const env = (more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    OPENSEARCH_URL: secured.front.url,
    OPENSEARCH_USERNAME: secured.front.username,
    OPENSEARCH_PASSWORD: secured.front.password,
    OPENSEARCH_CA_FILE: secured.front.caFile,
    ...more,
  });
  after(() => dropNamespace(testClient(), namespace));

  describe('with the right configuration', () => {
    it('sets up the audit storage through the front', async () => {
      const client = createOpenSearchClient(connectionFromEnvironment(env()));
      const result = await setupAuditStorage(client, { namespace });
      expect(result).to.include({ dataStream: index, dataStreamCreated: true });
      expect(secured.front.accessLog()).to.include(`200 PUT /_data_stream/${index}`);
      await client.close();
    });

    it('delivers the transport’s events through the front (counted through the front)', async () => {
      const transport = new OpenSearchAuditTransport({ connection: connectionFromEnvironment(env()), namespace, flushIntervalMs: 20 });
      for (let i = 0; i < 5; i++) transport.log(event(i, `secured-target-${i}`), () => undefined);
      expect(await transport.close()).to.equal(0);
      expect(transport.stats()).to.include({ delivered: 5, deadLettered: 0 });
      expect(await countThrough(secured.front.connection(), index)).to.equal(5);
      expect(secured.front.accessLog().filter((line) => line.startsWith('200 POST /_bulk'))).to.have.length.at.least(1);
    });

    it('serves a signed-in audit page read through the front', async () => {
      const web = await startWeb(connectionFromEnvironment(env()), index);
      try {
        const page = await web.session.request('/manage/audit');
        expect(page.status).to.equal(200);
        const html = await page.text();
        for (let i = 0; i < 5; i++) expect(html).to.contain(`secured-target-${i}`);
        expect(secured.front.accessLog().some((line) => line.startsWith(`200 POST /${index}/_search`))).to.equal(true);
      } finally {
        await web.close();
      }
    });

    it('authenticates with a client certificate (mutual TLS)', async () => {
      const { certFile, keyFile } = secured.front.client;
      const client = createOpenSearchClient(connectionFromEnvironment({ OPENSEARCH_URL: secured.front.mutualTlsUrl, OPENSEARCH_CA_FILE: secured.front.caFile, OPENSEARCH_CERT_FILE: certFile, OPENSEARCH_KEY_FILE: keyFile }));
      expect((await client.count({ index })).body.count).to.equal(5);
      await client.close();
    });
  });

  describe('errors that say what to fix', () => {
    const setupWith = (more: NodeJS.ProcessEnv): Promise<unknown> => setupAuditStorage(createOpenSearchClient(connectionFromEnvironment(env(more))), { namespace });

    it('a wrong password', async () => {
      await expect(setupWith({ OPENSEARCH_PASSWORD: 'not-the-password' })).to.be.rejectedWith(OpenSearchConnectionError, /^authentication failed: check OPENSEARCH_USERNAME\/OPENSEARCH_PASSWORD.*HTTP 401/);
    });

    it('a CA that is not trusted (none given, or another one)', async () => {
      await expect(setupWith({ OPENSEARCH_CA_FILE: '' })).to.be.rejectedWith(OpenSearchConnectionError, /^certificate not trusted: set OPENSEARCH_CA_FILE to the CA bundle/);
      await expect(setupWith({ OPENSEARCH_CA_FILE: secured.front.otherCaFile })).to.be.rejectedWith(OpenSearchConnectionError, /^certificate not trusted: set OPENSEARCH_CA_FILE/);
    });

    it('a host name the certificate does not list', async () => {
      await expect(setupWith({ OPENSEARCH_URL: secured.front.mismatchedUrl })).to.be.rejectedWith(OpenSearchConnectionError, /^host name does not match the certificate.*127\.0\.0\.2/);
    });

    it('no verification at all only when told (OPENSEARCH_TLS_VERIFY=false)', async () => {
      const result = await setupWith({ OPENSEARCH_CA_FILE: '', OPENSEARCH_TLS_VERIFY: 'false' });
      expect(result).to.include({ dataStream: index, template: 'unchanged' });
    });

    it('the web view fails the page and logs the failure without the password', async () => {
      const web = await startWeb(secured.front.connection({ password: 'web-wrong-password' }), index);
      const logged: unknown[][] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => void logged.push(args);
      try {
        expect((await web.session.request('/manage/audit')).status).to.be.at.least(500);
      } finally {
        console.error = original;
        await web.close();
      }
      const text = logged.map((args) => args.map((a) => inspect(a, { depth: 6 })).join(' ')).join('\n');
      expect(text).to.match(/401/);
      for (const secret of ['web-wrong-password', Buffer.from(`${secured.front.username}:web-wrong-password`).toString('base64')]) expect(text).not.to.contain(secret);
    });

    it('npm start’s check of OPENSEARCH_URL says what is wrong and never shows the password in the URL', async () => {
      const saved = { ...process.env };
      const url = new URL(secured.front.url);
      url.username = secured.front.username;
      url.password = 'wrong-pass-in-url';
      Object.assign(process.env, { OPENSEARCH_URL: url.href, OPENSEARCH_CA_FILE: secured.front.caFile });
      try {
        const failure = await ensureOpenSearch({ log: () => undefined }).then(() => undefined, (error: unknown) => error);
        expect(failure).to.be.instanceOf(LauncherError);
        expect((failure as Error).message).to.match(/authentication failed/).and.not.contain('wrong-pass-in-url');
      } finally {
        for (const key of ['OPENSEARCH_URL', 'OPENSEARCH_CA_FILE']) {
          if (saved[key] === undefined) delete process.env[key];
          else process.env[key] = saved[key];
        }
      }
    });
  });

  describe('the transport while the credentials are wrong', () => {
    it('keeps the events (neither lost nor dead-lettered), says what to fix, and delivers them once the password is accepted', async () => {
      const newPassword = `rotated-${randomBytes(4).toString('hex')}`;
      const transport = new OpenSearchAuditTransport({ connection: secured.front.connection({ password: newPassword }), namespace, flushIntervalMs: 20, retryBaseDelayMs: 50, retryMaxDelayMs: 200 });
      const warnings: TransportWarning[] = [];
      transport.on('warn', (w: TransportWarning) => warnings.push(w));
      for (let i = 0; i < 4; i++) transport.log(event(i, `after-rotation-${i}`), () => undefined);
      const deadline = Date.now() + 10_000;
      while (transport.stats().retried < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(transport.stats()).to.include({ delivered: 0, deadLettered: 0, dropped: 0, queued: 4 });
      expect(warnings.some((w) => w.kind === 'retry' && /authentication failed: check OPENSEARCH_USERNAME\/OPENSEARCH_PASSWORD/.test(w.message))).to.equal(true);
      expect(warnings.map((w) => w.message).join('\n')).not.to.contain(newPassword);

      secured.front.setPassword(newPassword);
      await transport.flush();
      expect(transport.stats()).to.include({ delivered: 4, deadLettered: 0, queued: 0 });
      await transport.close();
      expect(await countThrough(secured.front.connection(), index)).to.equal(9);
    });
  });
});
