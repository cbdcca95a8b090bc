// Tests of the OpenSearch launcher: reuse, a dead OPENSEARCH_URL, stopping unknown nodes, and a stop/restart keeping data.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { LauncherError, cacheDir, ensureOpenSearch, nodeStatus, startNode, stopNode } from '../../src/dev/opensearch/launcher.js';
import { OWN_TEST_NODE_ENV, TEST_NODE_NAME, testClient, testOpenSearchUrl } from '../helpers/opensearch.js';

chai.use(chaiAsPromised);
const { expect } = chai;

/** A TCP port nobody listens on (bound, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** As root: the node runs as the unprivileged user, which owns only run/; what root wrote or runs stays root's and unwritable by it. */
function expectRootLayout(cache: string, name: string, pid: number | undefined): void {
  const instanceDir = join(cache, 'instances', name);
  const uidOf = (path: string) => statSync(path).uid;
  const nodeUid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  expect(nodeUid, 'the node runs as the unprivileged user').to.be.greaterThan(0);
  for (const path of [instanceDir, join(instanceDir, 'config'), join(instanceDir, 'config', 'jvm.options'), join(instanceDir, 'node.json'), join(instanceDir, 'console.log')]) {
    expect(uidOf(path), `${path} belongs to root`).to.equal(0);
  }
  const home = readdirSync(cache).find((entry) => entry.startsWith('opensearch-'));
  for (const path of [join(cache, home!), join(cache, home!, 'lib'), join(cache, home!, 'bin', 'opensearch')]) {
    expect(uidOf(path), `${path} belongs to root`).to.equal(0);
    expect(statSync(path).mode & 0o022, `${path} is not writable by group or others`).to.equal(0);
  }
  expect(uidOf(join(instanceDir, 'run', 'data')), 'run/data belongs to the node user').to.equal(nodeUid);
}

describe('OpenSearch launcher', () => {
  const quiet = (): void => {};

  it('reuses the running test node when started again with free ports', async function () {
    if (!process.env[OWN_TEST_NODE_ENV]) this.skip(); // the suite was pointed at another cluster: there is no own node to reuse
    const node = await startNode({ name: TEST_NODE_NAME, port: 0, log: quiet });
    expect(node.launched).to.equal(false);
    expect(node.url).to.equal(testOpenSearchUrl());
    const info = await testClient().info();
    expect(info.body.version.number).to.be.a('string');
  });

  it('rejects an OPENSEARCH_URL that does not answer', async () => {
    const saved = process.env.OPENSEARCH_URL;
    process.env.OPENSEARCH_URL = `http://127.0.0.1:${await freePort()}`;
    try {
      await expect(ensureOpenSearch({ log: quiet })).to.be.rejectedWith(LauncherError, /OPENSEARCH_URL/);
    } finally {
      if (saved === undefined) delete process.env.OPENSEARCH_URL;
      else process.env.OPENSEARCH_URL = saved;
    }
  });

  it('keeps a root-run node where its user can reach it, wherever the checkout is', function () {
    if (process.getuid?.() !== 0) this.skip(); // only root hands the node to another user
    const saved = process.env.AUDIT_TRAIL_CACHE_DIR;
    delete process.env.AUDIT_TRAIL_CACHE_DIR;
    try {
      expect(cacheDir()).to.match(/^\/var\/lib\/audit-trail-opensearch\/[0-9a-f]{12}$/);
    } finally {
      if (saved !== undefined) process.env.AUDIT_TRAIL_CACHE_DIR = saved;
    }
  });

  it('stopNode() of a never-started instance returns false', async () => {
    expect(await stopNode('never-started-instance')).to.equal(false);
    expect(await nodeStatus('never-started-instance')).to.deep.equal({ running: false });
  });

  it('stops and restarts a second named instance, keeping its data', async function () {
    this.timeout(120_000);
    // A private cache folder (fresh unpack included), so concurrent test runs cannot stop each other's node.
    const savedCache = process.env.AUDIT_TRAIL_CACHE_DIR;
    const cache = await mkdtemp(join(tmpdir(), 'audit-trail-launcher-'));
    await chmod(cache, 0o755); // reachable by the unprivileged node user when tests run as root
    process.env.AUDIT_TRAIL_CACHE_DIR = cache;
    const name = 'launcher-test';
    let port = await freePort();
    while (port > 65000) port = await freePort(); // the transport port is port + 100
    try {
      const first = await startNode({ name, port, heap: '256m', log: quiet });
      expect(first).to.include({ launched: true, external: false, port });
      const res = await fetch(`${first.url}/kept/_doc/1?refresh=true`, {
        method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: true }),
      });
      expect(res.status).to.equal(201);
      if (process.getuid?.() === 0) expectRootLayout(cache, name, first.pid);
      const again = await startNode({ name, port, log: quiet });
      expect(again).to.include({ launched: false, pid: first.pid });
      await first.stop();
      expect((await nodeStatus(name)).running).to.equal(false);

      const second = await startNode({ name, port, heap: '256m', log: quiet });
      expect(second.launched).to.equal(true);
      const doc = (await (await fetch(`${second.url}/kept/_doc/1`)).json()) as { found: boolean };
      expect(doc.found).to.equal(true);
      expect(await stopNode(name)).to.equal(true);
      expect(await stopNode(name)).to.equal(false);
    } finally {
      await stopNode(name);
      if (savedCache === undefined) delete process.env.AUDIT_TRAIL_CACHE_DIR;
      else process.env.AUDIT_TRAIL_CACHE_DIR = savedCache;
      await rm(cache, { recursive: true, force: true });
    }
  });
});
