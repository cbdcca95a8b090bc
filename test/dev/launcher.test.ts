// Tests of the OpenSearch launcher: reuse, a dead OPENSEARCH_URL, stopping unknown nodes, and a stop/restart keeping data.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { LauncherError, ensureOpenSearch, nodeStatus, startNode, stopNode } from '../../src/dev/opensearch/launcher.js';
import { testClient, testOpenSearchUrl } from '../helpers/opensearch.js';

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

describe('OpenSearch launcher', () => {
  const quiet = (): void => {};

  it('reuses the running node on a second ensureOpenSearch()', async () => {
    const node = await ensureOpenSearch({ log: quiet });
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
