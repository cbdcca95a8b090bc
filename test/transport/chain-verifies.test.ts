import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { testOpenSearchUrl } from '../helpers/opensearch.js';
import { useAuditNamespace } from '../helpers/namespace.js';
import { OpenSearchAuditTransport } from '../../src/transport/audit-transport.js';
import type { AuditTransportOptions } from '../../src/transport/options.js';
import { verifyNamespace } from '../../src/query/verify-namespace.js';
import { checkpointStreamName } from '../../src/storage/template.js';
import { newKeyPairPem, verifyKeyFrom } from '../../src/integrity/keys.js';
import type { AuditDocument } from '../../src/model/ecs-document.js';

const keys = newKeyPairPem();
const FAST: AuditTransportOptions = { batchSize: 20, flushIntervalMs: 50, retryBaseDelayMs: 20, retryMaxDelayMs: 200, closeTimeoutMs: 60_000, checkpointEvery: 25 };

/** Logs `count` events (an id of its own each, unless `id` gives one) through the transport, then closes it. */
async function produce(transport: OpenSearchAuditTransport, count: number, id: (i: number) => string = () => randomUUID()): Promise<void> {
  transport.on('warn', () => undefined);
  const logger = winston.createLogger({ transports: [transport] });
  for (let i = 0; i < count; i++) logger.info('audit', { audit: sampleEvent({ id: id(i), resource: { type: 'workspace', id: `ws-${i}`, target: `ws-${i}` } }) });
  await transport.flush();
  await transport.close();
}

describe('events written by the transport verify clean across restarts, replays, drops and dead letters (real OpenSearch)', () => {
  const ns = useAuditNamespace();
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('reports an intact producer, its drops and dead letters as known gaps, and no problem', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'audit-verifies-'));
    dirs.push(spoolDir);
    const options = { ...FAST, namespace: ns.namespace, spoolDir, signingKey: keys.privatePem };
    // 1. Every third item is indexed but answered 503, so it is sent again and answered 409: a replay.
    const proxy = new FaultProxy(testOpenSearchUrl(), (n) => (n < 4 ? 'partial-503' : 'pass'));
    const first = new OpenSearchAuditTransport({ ...options, node: await proxy.start() });
    await produce(first, 60);
    await proxy.stop();
    expect(first.stats().replayed, 'replays (409) happened').to.be.greaterThan(0);

    // 2. A restart on the same spool: one event's redact hook throws (dropped before it is linked), and one
    //    reuses the id of an event stored already, so OpenSearch refuses it for good (a dead letter, linked).
    await ns.client.indices.refresh({ index: ns.index });
    const storedId = (await ns.client.search({ index: ns.index, body: { size: 1, query: { match_all: {} } } })).body.hits.hits[0]!._id!;
    let calls = 0;
    const redact = (doc: AuditDocument): AuditDocument => {
      if (++calls === 5) throw new Error('redaction failed on purpose');
      return doc;
    };
    const second = new OpenSearchAuditTransport({ ...options, client: ns.client, redact });
    await produce(second, 40, (i) => (i === 20 ? storedId : randomUUID()));
    expect(second.producerId).to.equal(first.producerId);
    expect(second.stats()).to.include({ dropped: 1, deadLettered: 1 });

    // 3. Another restart, with nothing wrong.
    await produce(new OpenSearchAuditTransport({ ...options, client: ns.client }), 15);

    await ns.client.indices.refresh({ index: `${ns.index},${checkpointStreamName(ns.namespace)}` });
    const report = await verifyNamespace(ns.client, { namespace: ns.namespace, keys: [verifyKeyFrom(keys.publicPem)] });
    expect(report.status, JSON.stringify(report.producers.map((p) => p.problems), null, 1)).to.equal('intact');
    const [producer] = report.producers;
    expect(report.producers).to.have.length(1);
    expect(producer).to.deep.include({ producer: first.producerId, status: 'intact', eventsChecked: 113, sequences: { first: 1, last: 115 } });
    expect(producer!.knownGaps.events).to.equal(2);
    expect(Object.keys(producer!.knownGaps.byReason).sort()).to.deep.equal(['dead-letter 409', 'redact-failed']);
    expect(producer!.checkpoints.last).to.include({ sequence: 115, kind: 'close' });
  });
});
