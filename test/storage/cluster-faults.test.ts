// A local three-node cluster with replicas 1 loses the node holding the write index's primary mid-stream: nothing lost or doubled, the web view answers, verify is clean, the node rejoins.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { deliveryReport } from '../helpers/delivery-check.js';
import { ACCOUNTS, HttpSession, startHarness, type Harness } from '../web/harness.js';
import { killClusterNode, restartClusterNode, startCluster, stopCluster, type ClusterHandle } from '../../src/dev/opensearch/cluster.js';
import { createOpenSearchClient, type ConnectionOptions } from '../../src/storage/connection.js';
import { setupAuditStorage, type SetupResult } from '../../src/storage/setup.js';
import { dataStreamName } from '../../src/storage/template.js';
import { createAuditLogger, type AuditLogger } from '../../src/recorder/audit-logger.js';
import type { TransportWarning } from '../../src/transport/reports.js';
import { newKeyPairPem, verifyKeyFrom } from '../../src/integrity/keys.js';
import { verifyNamespace } from '../../src/query/verify-namespace.js';

/** The launcher's name of the cluster this suite starts (its nodes are `<name>-n1` … `-n3`). */
const NODE_LOSS_CLUSTER = 'node-loss';
/** Events recorded per tick, and the tick: a steady 200 events per second. */
const EVENTS_PER_TICK = 10;
const TICK_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value, or fails naming `what` after `ms`. */
async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** Names of the nodes in the cluster (`_cat/nodes`). */
async function nodeNames(client: Client): Promise<string[]> {
  const res = await client.cat.nodes({ format: 'json', h: 'name' } as never);
  return (res.body as { name: string }[]).map((n) => n.name).sort();
}

/** The node holding the started primary of `index`'s single shard. */
async function primaryNode(client: Client, index: string): Promise<string | undefined> {
  const res = await client.cat.shards({ index, format: 'json', h: 'prirep,state,node' } as never);
  return (res.body as { prirep: string; state: string; node: string }[]).find((s) => s.prirep === 'p' && s.state === 'STARTED')?.node;
}

/** Records events at a steady rate until stopped; keeps their ids. */
function streamEvents(audit: AuditLogger): { ids: string[]; stop(): Promise<void> } {
  const ids: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let n = 1; running; ) {
      for (let i = 0; i < EVENTS_PER_TICK; i++, n++) {
        const { id: _fixed, ...event } = sampleEvent({ resource: { type: 'workspace', id: `ws-${n}` } });
        ids.push(audit.record(event));
      }
      await sleep(TICK_MS);
    }
  })();
  return { ids, stop: async () => { running = false; await loop; } };
}

describe('a three-node cluster losing a node mid-stream (local cluster, replicas 1)', function () {
  this.timeout(20 * 60_000);
  const namespace = freshNamespace();
  const index = dataStreamName(namespace);
  const keys = newKeyPairPem();
  const spoolDir = mkdtempSync(join(tmpdir(), 'audit-cluster-spool-'));
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  let cluster: ClusterHandle;
  let connection: ConnectionOptions;
  let client: Client;
  let setup: SetupResult;
  let harness: Harness | undefined;

  before(async () => {
    process.on('unhandledRejection', onRejection);
    const t0 = Date.now();
    cluster = await startCluster({ name: NODE_LOSS_CLUSTER, nodes: 3, port: 0, log: () => {} });
    console.error(`      [cluster] 3 nodes ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${cluster.launched ? 'started' : 'reused'})`);
    connection = { nodes: cluster.urls, verifyTls: true };
    client = createOpenSearchClient(connection);
    setup = await setupAuditStorage(client, { namespace });
    harness = await startHarness(client, index);
  });
  after(async () => {
    process.off('unhandledRejection', onRejection);
    await harness?.close();
    if (client) {
      await dropNamespace(client, namespace).catch(() => undefined);
      await client.close();
    }
    if (process.env.AUDIT_TRAIL_KEEP_TEST_NODE !== '1') await stopCluster(NODE_LOSS_CLUSTER);
    rmSync(spoolDir, { recursive: true, force: true });
    expect(rejections, 'unhandled promise rejections').to.deep.equal([]);
  });

  it('set-up counted three data nodes and gave the namespace one replica, placed on another node', async () => {
    expect(setup.replicas).to.deep.equal({ replicas: 1, dataNodes: 3, source: 'counted' });
    const health = await client.cluster.health({ index, wait_for_status: 'green', timeout: '60s' } as never);
    expect((health.body as { status: string }).status).to.equal('green');
    expect(await nodeNames(client)).to.have.length(3);
  });

  it('delivers every event exactly once while the primary’s node is killed and rejoins; the web view answers; verify is clean', async () => {
    const producerId = `cluster-${randomUUID().slice(0, 8)}`;
    const warnings: TransportWarning[] = [];
    const audit = createAuditLogger({
      connection, namespace, producerId, spoolDir, signingKey: keys.privatePem, checkpointEvery: 500,
      batchSize: 100, flushIntervalMs: 100, retryBaseDelayMs: 50, retryMaxDelayMs: 1000, requestTimeoutMs: 15_000, closeTimeoutMs: 180_000,
      onWarning: (warning) => warnings.push(warning),
    });
    const web = new HttpSession(harness!.web.url);
    expect((await web.signIn(ACCOUNTS.auditor)).status).to.equal(303);
    const stream = streamEvents(audit);
    const timings: Record<string, number> = {};
    const t0 = Date.now();
    try {
      await until(async () => (audit.stats().delivered >= 400 ? true : undefined), 'the first 400 events delivered', 60_000);
      const allNodes = await nodeNames(client);
      const victim = await until(() => primaryNode(client, index), 'a started primary of the write index');
      expect(allNodes).to.include(victim);

      const killedAt = Date.now();
      expect(await killClusterNode(NODE_LOSS_CLUSTER, victim), `node ${victim} was running and is killed`).to.equal(true);
      const deliveredAtKill = audit.stats().delivered;
      // The fault really happened: the node left the cluster, which went yellow (a replica promoted, none to replace it yet).
      await until(async () => ((await nodeNames(client)).includes(victim) ? undefined : true), `${victim} gone from _cat/nodes`, 90_000);
      const health = await until(async () => {
        const h = (await client.cluster.health()).body as { status: string; number_of_nodes: number };
        return h.status !== 'green' && h.number_of_nodes === 2 ? h : undefined;
      }, 'the cluster to be yellow with 2 nodes', 60_000);
      expect(health.status).to.equal('yellow');
      const promoted = await until(() => primaryNode(client, index), 'the promoted primary');
      expect(promoted, 'the primary moved to a surviving node').to.not.equal(victim);
      timings.detectedMs = Date.now() - killedAt;

      // During the outage: delivery goes on, and a signed-in auditor gets pages, including an event written meanwhile.
      await until(async () => (audit.stats().delivered >= deliveredAtKill + 1000 ? true : undefined), '1000 more events delivered with a node down', 90_000);
      const list = await web.request('/manage/audit');
      expect(list.status, 'Manage > Audit during the outage').to.equal(200);
      const recent = stream.ids[stream.ids.length - EVENTS_PER_TICK * 20]!;
      const page = await until(async () => {
        const res = await web.request(`/manage/audit/events/${recent}`);
        return res.status === 200 ? res.text() : undefined;
      }, 'the page of an event written during the outage', 30_000);
      expect(page).to.include(recent);
      expect((await nodeNames(client)).includes(victim), 'still down while the web view answered').to.equal(false);

      const restartAt = Date.now();
      await restartClusterNode(NODE_LOSS_CLUSTER, victim, { log: () => {} });
      timings.rejoinMs = Date.now() - restartAt;
      expect(await nodeNames(client)).to.deep.equal(allNodes);
      await sleep(2000); // a little more streaming with all three back
    } finally {
      await stream.stop();
    }
    const undelivered = await audit.close();
    timings.totalMs = Date.now() - t0;
    expect(undelivered, 'events left undelivered at close').to.equal(0);
    const green = await client.cluster.health({ wait_for_status: 'green', timeout: '120s' } as never);
    expect((green.body as { status: string; number_of_nodes: number }).status, 'green again after the rejoin').to.equal('green');
    const report = await deliveryReport(client, index, stream.ids.length, producerId);
    expect(report, '0 lost, 0 duplicated').to.deep.equal({ count: stream.ids.length, distinctIds: stream.ids.length, missingSequences: [], repeatedSequences: [] });
    const verified = await verifyNamespace(client, { namespace, keys: [verifyKeyFrom(keys.publicPem)], now: new Date() });
    expect(verified.status, JSON.stringify(verified.producers.map((p) => p.problems))).to.equal('intact');
    expect(verified.eventsChecked).to.equal(stream.ids.length);
    const stats = audit.stats();
    // `delivered` counts the signed checkpoints too.
    expect(stats, JSON.stringify(stats)).to.include({ accepted: stream.ids.length, lastSequence: stream.ids.length, delivered: stream.ids.length + stats.checkpoints, deadLettered: 0, dropped: 0, queued: 0 });
    expect(warnings.filter((w) => w.kind !== 'retry'), 'warnings other than retries').to.deep.equal([]);

    console.error(`      [cluster] ${stream.ids.length} events, ${stats.retried} retried, ${stats.replayed} replayed; outage seen after ${timings.detectedMs} ms; rejoined in ${(timings.rejoinMs! / 1000).toFixed(1)} s; stream ${(timings.totalMs / 1000).toFixed(1)} s`);
  });
});
