// Fault injection against the real node: every scenario proves count == sent, distinct ids == sent and no sequence gap.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient, testOpenSearchUrl } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace, useAuditNamespace } from '../helpers/namespace.js';
import { sampleEvent } from '../helpers/events.js';
import { FaultProxy, type Fault } from '../helpers/fault-proxy.js';
import { deliveryReport } from '../helpers/delivery-check.js';
import { OpenSearchAuditTransport, type TransportWarning } from '../../src/transport/audit-transport.js';
import type { AuditTransportOptions } from '../../src/transport/options.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { dataStreamName } from '../../src/storage/template.js';
import { startNode, stopNode } from '../../src/dev/opensearch/launcher.js';
import type { DeadLetterRecord } from '../../src/transport/dead-letter.js';

/**
 * Quick retries, so outages are ridden out in seconds. The request timeout is long, so that a loaded
 * machine never turns a slow answer into a retry; only the scenario with stalled requests shortens it.
 */
const FAST: AuditTransportOptions = { batchSize: 250, flushIntervalMs: 100, retryBaseDelayMs: 50, retryMaxDelayMs: 500, requestTimeoutMs: 15_000, closeTimeoutMs: 120_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Polls `condition` until it holds, or fails naming `what` after `ms`. */
async function until(condition: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}
const event = (n: number) => {
  const { id: _generated, ...e } = sampleEvent({ resource: { type: 'workspace', id: `ws-${n}` } });
  return e;
};

function produce(transport: OpenSearchAuditTransport, from: number, to: number): winston.Logger {
  const logger = winston.createLogger({ transports: [transport] });
  for (let n = from; n <= to; n++) logger.info('audit', { audit: event(n) });
  return logger;
}

function finished(logger: winston.Logger): Promise<void> {
  return new Promise((resolve) => {
    logger.on('finish', () => resolve());
    logger.end();
  });
}

const tempDirs: string[] = [];
function tempSpool(): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-spool-'));
  tempDirs.push(dir);
  return dir;
}

async function expectExactlyOnce(client: Client, index: string, sent: number, producer: string): Promise<void> {
  const report = await deliveryReport(client, index, sent, producer);
  expect(report, 'index content').to.deep.equal({ count: sent, distinctIds: sent, missingSequences: [], repeatedSequences: [] });
}

describe('transport under faults (real OpenSearch)', function () {
  this.timeout(240_000);
  let client: Client;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  before(() => {
    client = testClient();
    process.on('unhandledRejection', onRejection);
  });
  after(() => {
    process.off('unhandledRejection', onRejection);
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    expect(rejections, 'unhandled promise rejections during the fault suite').to.deep.equal([]);
  });

  describe('a fault proxy injecting resets, stalls, 429, 503 and partial item failures', () => {
    const namespace = freshNamespace();
    let proxy: FaultProxy;
    before(async () => {
      await setupAuditStorage(client, { namespace });
      const cycle: Fault[] = ['pass', 'reset', 'partial-503', 'stall', '429', 'partial-429', 'forward-then-reset', '503', 'pass', 'partial-503'];
      proxy = new FaultProxy(testOpenSearchUrl(), (n) => cycle[n % cycle.length]!);
    });
    after(async () => {
      await proxy.stop();
      await dropNamespace(client, namespace);
    });

    it('delivers 4000 events exactly once, retrying only the failed items', async () => {
      const url = await proxy.start();
      // Stalled requests are given up after 3 s.
      const transport = new OpenSearchAuditTransport({ ...FAST, requestTimeoutMs: 3000, node: url, namespace, concurrency: 2 });
      const warnings: TransportWarning[] = [];
      transport.on('warn', (w: TransportWarning) => warnings.push(w));
      await finished(produce(transport, 1, 4000));
      const stats = transport.stats();
      expect(stats).to.include({ accepted: 4000, delivered: 4000, deadLettered: 0, dropped: 0, queued: 0, inFlight: 0 });
      expect(stats.retried, 'items retried').to.be.greaterThan(0);
      expect(stats.replayed, 'items indexed but reported failed, re-sent and answered 409').to.be.greaterThan(0);
      for (const fault of ['reset', 'stall', '429', '503', 'partial-429', 'partial-503', 'forward-then-reset'] as const) {
        expect(proxy.counts[fault] ?? 0, `requests with fault ${fault}`).to.be.greaterThan(0);
      }
      expect(warnings.every((w) => w.kind === 'retry')).to.equal(true);
      expect(proxy.acknowledged.size, 'every event acknowledged by the proxy').to.equal(4000);
      expect(proxy.resentAfterAck, 'events sent again after the proxy acknowledged them').to.deep.equal([]);
      await expectExactlyOnce(client, dataStreamName(namespace), 4000, transport.producerId);
    });
  });

  describe('gzip request bodies', () => {
    const { namespace } = useAuditNamespace(() => client);

    it('sends compressed batches (Content-Encoding: gzip), delivered exactly once', async () => {
      const proxy = new FaultProxy(testOpenSearchUrl(), () => 'pass');
      const transport = new OpenSearchAuditTransport({ ...FAST, node: await proxy.start(), namespace, gzip: true, concurrency: 3 });
      try {
        await finished(produce(transport, 1, 1500));
        expect(transport.stats()).to.include({ delivered: 1500, retried: 0, deadLettered: 0 });
        expect(proxy.requests.length).to.be.at.least(6);
        expect(proxy.requests.map((r) => r.encoding), 'Content-Encoding of each bulk request').to.deep.equal(proxy.requests.map(() => 'gzip'));
        const sentIds = proxy.requests.flatMap((r) => r.ids);
        expect(new Set(sentIds).size).to.equal(1500);
        await expectExactlyOnce(client, dataStreamName(namespace), 1500, transport.producerId);
      } finally {
        await proxy.stop();
      }
    });
  });

  describe('a 413 (request too large) through the proxy', () => {
    const { namespace } = useAuditNamespace(() => client);

    it('halves the batch until it fits; an event too large on its own is dead-lettered; the others are indexed once', async () => {
      const maxBodyBytes = 16 * 1024;
      const proxy = new FaultProxy(testOpenSearchUrl(), () => 'pass', maxBodyBytes);
      const spoolDir = tempSpool();
      const transport = new OpenSearchAuditTransport({ ...FAST, node: await proxy.start(), namespace, spoolDir });
      const letters: DeadLetterRecord[] = [];
      transport.on('deadLetter', (l: DeadLetterRecord) => letters.push(l));
      transport.on('warn', () => undefined);
      try {
        const logger = winston.createLogger({ transports: [transport] });
        for (let n = 1; n <= 300; n++) logger.info('audit', { audit: event(n), ...(n === 100 ? { attachment: 'x'.repeat(20_000) } : {}) });
        await finished(logger);
        expect(transport.stats()).to.include({ accepted: 300, delivered: 299, deadLettered: 1 });
        const tooLarge = proxy.requests.filter((r) => r.fault === '413');
        expect(tooLarge.length, 'requests answered 413').to.be.at.least(2);
        expect(tooLarge.at(-1)!.ids, 'the last 413: the large event alone').to.have.length(1);
        expect(proxy.requests.filter((r) => r.fault === 'pass').every((r) => r.bytes <= maxBodyBytes), 'indexed batches fit').to.equal(true);
        // Each 413 after the first carried at most half the bytes of a previous one, until the large event went alone.
        expect(tooLarge[1]!.bytes).to.be.at.most(tooLarge[0]!.bytes / 2);
        expect(letters.map((l) => [l.status, (l.document as { event: { sequence: number } }).event.sequence])).to.deep.equal([[413, 100]]);
        expect(readFileSync(join(spoolDir, 'dead-letter.ndjson'), 'utf8').trim().split('\n')).to.have.length(1);
        const report = await deliveryReport(client, dataStreamName(namespace), 300, transport.producerId);
        expect(report).to.deep.equal({ count: 299, distinctIds: 299, missingSequences: [100], repeatedSequences: [] });
      } finally {
        await proxy.stop();
      }
    });
  });

  describe('a whole request answered 401, then 403', () => {
    const { namespace } = useAuditNamespace(() => client);

    it('retries it (a configuration problem fixed while the events wait), reports why, and delivers once', async () => {
      const proxy = new FaultProxy(testOpenSearchUrl(), (n) => (n === 0 ? '401' : n === 1 ? '403' : 'pass'));
      const transport = new OpenSearchAuditTransport({ ...FAST, node: await proxy.start(), namespace });
      const warnings: TransportWarning[] = [];
      transport.on('warn', (w: TransportWarning) => warnings.push(w));
      try {
        await finished(produce(transport, 1, 600));
        expect(transport.stats()).to.include({ accepted: 600, delivered: 600, deadLettered: 0, dropped: 0 });
        expect(proxy.counts).to.include({ 401: 1, 403: 1 });
        expect(transport.stats().retried, 'the refused requests retried').to.be.at.least(2);
        const retries = warnings.filter((w) => w.kind === 'retry').map((w) => w.message);
        expect(retries.some((m) => m.includes('(401:')), 'the 401 reported').to.equal(true);
        expect(retries.some((m) => m.includes('(403:')), 'the 403 reported').to.equal(true);
        await expectExactlyOnce(client, dataStreamName(namespace), 600, transport.producerId);
      } finally {
        await proxy.stop();
      }
    });
  });

  describe('a mapping error in one event of a batch', () => {
    const { namespace } = useAuditNamespace(() => client);

    it('dead-letters only that event, with reason and document; the others are indexed once', async () => {
      const spoolDir = tempSpool();
      const letters: DeadLetterRecord[] = [];
      let badSequence = 0;
      const transport = new OpenSearchAuditTransport({
        ...FAST, client, namespace, spoolDir,
        // A client.ip that is not an address: OpenSearch refuses it with a mapping error (400).
        redact: (doc) => (doc.event.sequence === 777 ? ((badSequence = 777), { ...doc, client: { ip: 'not-an-ip' } }) : doc),
      });
      transport.on('deadLetter', (l: DeadLetterRecord) => letters.push(l));
      await finished(produce(transport, 1, 2000));
      expect(transport.stats()).to.include({ accepted: 2000, delivered: 1999, deadLettered: 1, retried: 0 });
      expect(letters).to.have.length(1);
      expect(letters[0]).to.include({ status: 400 });
      expect(letters[0]!.reason).to.match(/mapper_parsing_exception|client\.ip/);
      const fileLines = readFileSync(join(spoolDir, 'dead-letter.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DeadLetterRecord);
      expect(fileLines).to.have.length(1);
      expect((fileLines[0]!.document as { event: { sequence: number } }).event.sequence).to.equal(badSequence);
      const report = await deliveryReport(client, dataStreamName(namespace), 2000, transport.producerId);
      expect(report).to.deep.equal({ count: 1999, distinctIds: 1999, missingSequences: [777], repeatedSequences: [] });
    });
  });

  describe('the producing process SIGKILLed mid-stream and restarted on its spool', () => {
    const { namespace } = useAuditNamespace(() => client);

    const script = join(process.cwd(), 'test', 'helpers', 'spool-producer.ts');

    function runProducer(spoolDir: string, total: number, mode: 'run' | 'resume', killAfter?: number): Promise<{ lines: string[]; signal: string | null }> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, testOpenSearchUrl(), namespace, spoolDir, String(total), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
        const lines: string[] = [];
        let buffered = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString('utf8');
          const parts = buffered.split('\n');
          buffered = parts.pop()!;
          for (const line of parts) {
            lines.push(line);
            const taken = /^taken (\d+)/.exec(line);
            if (killAfter !== undefined && taken && Number(taken[1]) >= killAfter) child.kill('SIGKILL');
          }
        });
        child.on('error', reject);
        child.on('exit', (_code, signal) => resolve({ lines, signal }));
      });
    }

    it('loses nothing it took and duplicates nothing', async () => {
      const spoolDir = tempSpool();
      const total = 6000;
      const first = await runProducer(spoolDir, total, 'run', 2500);
      expect(first.signal).to.equal('SIGKILL');
      const second = await runProducer(spoolDir, total, 'resume');
      const resumedAt = Number(/^resume (\d+)/.exec(second.lines[0] ?? '')?.[1]);
      expect(resumedAt, 'the restart continued the persisted sequence').to.be.at.least(2500).and.below(total);
      const done = second.lines.find((l) => l.startsWith('done '));
      expect(done, 'the restarted producer finished').to.be.a('string');
      const stats = JSON.parse(done!.slice(5)) as { delivered: number; queued: number };
      expect(stats).to.include({ queued: 0, inFlight: 0, dropped: 0 });
      expect(stats.delivered, 'the restart replayed what the killed run left in its spool').to.be.greaterThan(total - resumedAt);
      const producer = (JSON.parse(readFileSync(join(spoolDir, 'producer.json'), 'utf8')) as { producerId: string }).producerId;
      await expectExactlyOnce(client, dataStreamName(namespace), total, producer);
    });
  });

  describe('a corrupted and a truncated spool segment', () => {
    const { namespace } = useAuditNamespace(() => client);

    it('skips only the damaged records, reports them and delivers the rest once', async () => {
      const spoolDir = tempSpool();
      // Nothing listens on port 9: everything stays in the spool.
      const offline = new OpenSearchAuditTransport({ ...FAST, node: 'http://127.0.0.1:9', namespace, spoolDir, segmentBytes: 256 * 1024 });
      offline.on('warn', () => undefined);
      const logger = produce(offline, 1, 3000);
      while (offline.stats().accepted < 3000) await sleep(20);
      expect(await offline.close(300)).to.equal(3000);
      logger.end();
      const segments = readdirSync(spoolDir).filter((f) => f.endsWith('.spool')).sort();
      expect(segments.length).to.be.at.least(3);
      // Flip one byte in the middle of the first segment; cut the last segment's tail.
      const first = join(spoolDir, segments[0]!);
      const bytes = readFileSync(first);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0xff;
      writeFileSync(first, bytes);
      const last = join(spoolDir, segments.at(-1)!);
      truncateSync(last, statSync(last).size - 10);

      const warnings: TransportWarning[] = [];
      const online = new OpenSearchAuditTransport({ ...FAST, client, namespace, spoolDir });
      online.on('warn', (w: TransportWarning) => warnings.push(w));
      await online.flush();
      const corrupt = warnings.filter((w) => w.kind === 'corrupt');
      expect(corrupt, 'each damaged segment reported once').to.have.length(2);
      expect(online.stats().corruptBytes).to.be.greaterThan(0);
      expect(await online.close()).to.equal(0);
      const report = await deliveryReport(client, dataStreamName(namespace), 3000, online.producerId);
      expect(report.count).to.equal(2998);
      expect(report.distinctIds).to.equal(2998);
      expect(report.repeatedSequences).to.deep.equal([]);
      expect(report.missingSequences).to.have.length(2);
      expect(report.missingSequences).to.include(3000);
      expect(readdirSync(spoolDir).filter((f) => f.endsWith('.spool')), 'spool emptied after delivery').to.deep.equal([]);
    });
  });

  describe('OpenSearch stopped and restarted several times during a stream', () => {
    const namespace = freshNamespace();
    let faultsClient: Client;
    let port = 0;
    before(async function () {
      this.timeout(300_000);
      const node = await startNode({ name: 'faults', port: 0 });
      port = node.port;
      faultsClient = new Client({ node: node.url });
      await setupAuditStorage(faultsClient, { namespace });
    });
    after(async () => {
      await dropNamespace(faultsClient, namespace).catch(() => undefined);
      await stopNode('faults');
    });

    it('rides out two outages with the spool and delivers every event once', async function () {
      this.timeout(900_000);
      const transport = new OpenSearchAuditTransport({ ...FAST, node: `http://127.0.0.1:${port}`, namespace, spoolDir: tempSpool(), memoryCapBytes: 256 * 1024, segmentBytes: 128 * 1024 });
      const warnings: TransportWarning[] = [];
      transport.on('warn', (w: TransportWarning) => warnings.push(w));
      const logger = winston.createLogger({ transports: [transport] });
      const stats = () => transport.stats();
      let n = 0;
      let done = false;
      // Events keep coming while the node is up and while it is down; paused while it restarts (which may take a minute).
      let paused = false;
      const stream = (async () => {
        while (!done) {
          if (!paused) for (let i = 0; i < 20; i++) logger.info('audit', { audit: event(++n) });
          await sleep(50);
        }
      })();
      for (let outage = 1; outage <= 2; outage++) {
        const deliveredBefore = stats().delivered;
        await until(() => stats().delivered >= deliveredBefore + 1000, `delivery with the node up (before outage ${outage})`);
        await stopNode('faults');
        const down = { warnings: warnings.length, accepted: stats().accepted };
        await until(() => warnings.slice(down.warnings).some((w) => w.kind === 'retry' && w.message.includes('(network:')), `a retry while the node is down (outage ${outage})`);
        const deliveredWhileDown = stats().delivered;
        // Well past the memory cap: these go to the spool on disk.
        await until(() => stats().accepted >= down.accepted + 1000, `events taken while the node is down (outage ${outage})`);
        expect(stats().delivered, `nothing delivered while the node is down (outage ${outage})`).to.equal(deliveredWhileDown);
        expect(stats().memoryBytes, 'records under the cap, plus the request bodies copied from them').to.be.at.most(2 * 256 * 1024);
        paused = true;
        await startNode({ name: 'faults', port, log: () => undefined });
        paused = false;
      }
      const deliveredAfter = stats().delivered;
      await until(() => stats().delivered >= deliveredAfter + 1000, 'delivery after the last outage');
      done = true;
      await stream;
      await until(() => stats().delivered === n, 'the backlog delivered', 600_000);
      await finished(logger);
      expect(stats()).to.include({ accepted: n, delivered: n, dropped: 0, deadLettered: 0, queued: 0 });
      expect(stats().memoryBytes).to.equal(0);
      await expectExactlyOnce(faultsClient, dataStreamName(namespace), n, transport.producerId);
    });
  });
});
