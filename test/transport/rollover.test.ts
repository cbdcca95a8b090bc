import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import winston from 'winston';
import { v7 as uuidv7 } from 'uuid';
import { expect } from '../helpers/chai.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { testOpenSearchUrl } from '../helpers/opensearch.js';
import { useAuditNamespace } from '../helpers/namespace.js';
import { sampleEvent } from '../helpers/events.js';
import { OpenSearchAuditTransport } from '../../src/transport/audit-transport.js';
import type { DeadLetterRecord } from '../../src/transport/dead-letter.js';

const fast = { flushIntervalMs: 20, retryBaseDelayMs: 20, retryMaxDelayMs: 100 };

describe('exactly once across a rollover of the data stream (real OpenSearch)', () => {
  const ns = useAuditNamespace();
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  async function copiesOf(ids: string[]): Promise<number> {
    await ns.client.indices.refresh({ index: ns.index });
    const res = await ns.client.count({ index: ns.index, body: { query: { terms: { 'event.id': ids } } } });
    return res.body.count as number;
  }

  it('replays events indexed before a rollover without storing a second copy in the new write index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rollover-'));
    dirs.push(dir);
    // Every bulk request is indexed, but its answer is lost: the events stay in the spool.
    const proxy = new FaultProxy(testOpenSearchUrl(), () => 'forward-then-reset');
    const url = await proxy.start();
    const first = new OpenSearchAuditTransport({ node: url, namespace: ns.namespace, spoolDir: dir, closeTimeoutMs: 500, ...fast });
    first.on('warn', () => undefined);
    const logger = winston.createLogger({ transports: [first] });
    const ids = Array.from({ length: 20 }, () => uuidv7());
    for (const id of ids) logger.info('audit', { audit: sampleEvent({ id }) });
    for (const end = Date.now() + 10_000; (await copiesOf(ids)) < 20 && Date.now() < end; ) await sleep(50);
    expect(await first.close(), 'left in the spool').to.equal(20);
    await proxy.stop();
    expect(await copiesOf(ids), 'indexed by the first run').to.equal(20);

    await ns.client.transport.request({ method: 'POST', path: `/${ns.index}/_rollover` });
    const second = new OpenSearchAuditTransport({ node: testOpenSearchUrl(), namespace: ns.namespace, spoolDir: dir, ...fast });
    second.on('warn', () => undefined);
    await second.flush();
    expect(await copiesOf(ids), 'one copy of each, across the backing indices').to.equal(20);
    expect(second.stats()).to.include({ delivered: 20, replayed: 20, deadLettered: 0 });
    await second.close();
  });

  it('reports an id reused for another event instead of counting its 409 as a replay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reused-'));
    dirs.push(dir);
    const transport = new OpenSearchAuditTransport({ node: testOpenSearchUrl(), namespace: ns.namespace, spoolDir: dir, producerId: 'reuser', ...fast });
    const warnings: string[] = [];
    transport.on('warn', (w: { message: string }) => warnings.push(w.message));
    const logger = winston.createLogger({ transports: [transport] });
    const id = uuidv7();
    logger.info('audit', { audit: sampleEvent({ id, resource: { type: 'workspace', id: 'first' } }) });
    await transport.flush();
    logger.info('audit', { audit: sampleEvent({ id, resource: { type: 'workspace', id: 'second' } }) });
    await transport.flush();
    expect(transport.stats()).to.include({ delivered: 1, replayed: 0, deadLettered: 1 });
    expect(warnings.some((m) => /409.*reused id/.test(m))).to.equal(true);
    const letters = readFileSync(join(dir, 'dead-letter.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DeadLetterRecord);
    expect(letters.map((l) => [l.event_id, l.sequence, l.status])).to.deep.equal([[id, 2, 409]]);
    await transport.close();
  });
});
