// One benchmark contender per child process: offers the same audit events, waits until the index count confirms, reports CPU and RSS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import winston from 'winston';
import TransportStream from 'winston-transport';
import { v7 as uuidv7 } from 'uuid';
import { Client } from '@opensearch-project/opensearch';
import { OpenSearchAuditTransport } from '../src/transport/audit-transport.js';
import { setupAuditStorage } from '../src/storage/setup.js';
import { dataStreamName } from '../src/storage/template.js';
import { validateEvent, type AuditEventInput } from '../src/model/event.js';
import { toEcsDocument } from '../src/model/ecs-document.js';
import { startNode, stopNode } from '../src/dev/opensearch/launcher.js';
import { ACTIONS, RESOURCE_TYPES } from '../src/model/vocabulary.js';

export type Contender = 'ours' | 'winston-opensearch' | 'noop' | 'bulk-helper';

/** What a child reports back (one JSON line). */
export interface RunResult {
  contender: Contender;
  scenario: 'throughput' | 'outage';
  sent: number;
  indexed: number;
  distinct: number;
  seconds: number;
  cpuMicrosPerEvent: number;
  peakRssMb: number;
  rssGrowthMb: number;
  drainSeconds?: number;
  /** Outage only: RSS at the outage's start, its highest while the node was down, and its slope in the outage's second half. */
  outageRss?: { startMb: number; peakMb: number; slopeMbPerMin: number };
}

/** The `i`-th of the same ECS-like events for everyone, its id made now (so duplicates are countable). */
export function makeEvent(i: number): AuditEventInput {
  return {
    id: uuidv7(),
    time: new Date(Date.UTC(2026, 10, 1) + i * 1000),
    action: ACTIONS[i % ACTIONS.length]!,
    actor: { id: `u-${i % 97}`, name: `user${i % 97}`, email: `user${i % 97}@example.com`, roles: ['member'] },
    resource: { type: RESOURCE_TYPES[i % RESOURCE_TYPES.length]!, id: `r-${i}`, target: `target-${i % 1000}` },
    outcome: i % 17 === 0 ? 'failure' : 'success',
    source: { ip: `203.0.113.${i % 250}`, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) bench', requestId: `req-${i}` },
    details: { seq: i, note: 'benchmark event' },
  };
}

/** The first `n` events, made before a run (so making them costs no contender anything). */
export function makeEvents(n: number): AuditEventInput[] {
  return Array.from({ length: n }, (_, i) => makeEvent(i));
}

class NoopTransport extends TransportStream {
  override log(_info: unknown, next: () => void): void {
    next();
  }
}

const rss = () => process.memoryUsage().rss / 1024 / 1024;

/** Counts documents and distinct event ids in the target (scrolling the ids). */
async function countIds(client: Client, index: string, idField: string): Promise<{ indexed: number; distinct: number }> {
  await client.indices.refresh({ index });
  const ids = new Set<string>();
  let indexed = 0;
  for await (const hit of client.helpers.scrollDocuments<Record<string, unknown>>({ index, size: 5000, scroll: '1m', _source: [idField], body: { query: { match_all: {} } } })) {
    indexed++;
    const id = idField.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], hit);
    ids.add(String(id));
  }
  return { indexed, distinct: ids.size };
}

async function waitForCount(client: Client, index: string, n: number, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const count = await client.indices.refresh({ index }).then(() => client.count({ index }).then((r) => r.body.count as number), () => 0);
    if (count >= n) return;
    await sleep(200);
  }
}

/** RSS while the node was down: at the start, the highest, and the least-squares slope over the second half (MB per minute). */
function outageRss(samples: Array<[number, number]>): { startMb: number; peakMb: number; slopeMbPerMin: number } {
  const late = samples.slice(Math.floor(samples.length / 2));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const mt = mean(late.map(([t]) => t));
  const mr = mean(late.map(([, r]) => r));
  const cov = late.reduce((a, [t, r]) => a + (t - mt) * (r - mr), 0);
  const vt = late.reduce((a, [t]) => a + (t - mt) ** 2, 0);
  return { startMb: samples[0]![1], peakMb: Math.max(...samples.map(([, r]) => r)), slopeMbPerMin: vt > 0 ? (cov / vt) * 60_000 : 0 };
}

/** Runs one contender in this process and returns its figures. */
export async function runContender(contender: Contender, scenario: 'throughput' | 'outage', opts: { url: string; port: number; events: number; outageSeconds: number; rate: number }): Promise<RunResult> {
  // A long request timeout: on a loaded machine a 5 MB bulk can take more than the default 30 s, and the client's retry of a timed-out bulk turns into conflicts.
  const admin = new Client({ node: opts.url, requestTimeout: 300_000 });
  const tag = Math.random().toString(16).slice(2, 10);
  const namespace = `bench_${tag}`;
  const isOurs = contender === 'ours' || contender === 'bulk-helper';
  const index = isOurs ? dataStreamName(namespace) : `bench-wo-${tag}`;
  if (isOurs) await setupAuditStorage(admin, { namespace });
  const idField = isOurs ? 'event.id' : 'fields.audit.id';
  const spoolDir = mkdtempSync(join(tmpdir(), 'bench-spool-'));
  const total = scenario === 'throughput' ? opts.events : 0;
  // The outage offers events made as it goes, as an application does: holding its minutes of events up front would be the bench's memory, not the contender's.
  const inputs = makeEvents(total);
  const docs = contender === 'bulk-helper' ? inputs.map((e, i) => toEcsDocument(validateEvent(e), { producer: 'bench', sequence: i + 1 })) : [];

  let logger: winston.Logger | undefined;
  if (contender === 'ours') logger = winston.createLogger({ transports: [new OpenSearchAuditTransport({ node: opts.url, namespace, spoolDir, ...(process.env.BENCH_OURS_OPTIONS ? JSON.parse(process.env.BENCH_OURS_OPTIONS) as object : {}) })] });
  if (contender === 'noop') logger = winston.createLogger({ transports: [new NoopTransport()] });
  if (contender === 'winston-opensearch') {
    type Ctor = new (o: Record<string, unknown>) => TransportStream;
    const mod = (await import('winston-opensearch')) as unknown as { default: Ctor | { OpensearchTransport: Ctor } };
    const OpensearchTransport = typeof mod.default === 'function' ? mod.default : mod.default.OpensearchTransport;
    logger = winston.createLogger({ transports: [new OpensearchTransport({ clientOpts: { node: opts.url }, index, ensureIndexTemplate: false, flushInterval: 1000, internalLogger: () => undefined })] });
  }
  await sleep(500);
  const rss0 = rss();
  let peak = rss0;
  const downSamples: Array<[number, number]> = [];
  let phase: 'before' | 'down' | 'back' = 'before';
  const sampler = setInterval(() => {
    const now = rss();
    peak = Math.max(peak, now);
    if (phase === 'down') downSamples.push([Date.now(), now]);
  }, 100);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  let drainSeconds: number | undefined;

  const offer = (i: number) => {
    if (contender === 'bulk-helper') return;
    logger!.info('audit', { audit: inputs[i] ?? makeEvent(i) });
  };
  if (scenario === 'throughput') {
    if (contender === 'bulk-helper') {
      await admin.helpers.bulk({ datasource: docs, onDocument: (d) => ({ create: { _index: index, _id: d.event.id } }), flushBytes: 5 * 1024 * 1024, concurrency: 2,
        // Retry throttling as long as ours does (no limit there): the helper's default (3 tries) dropped documents on a loaded node and the count never came.
        retries: 30, wait: 1000, onDrop: (d) => process.stderr.write(`[bench] helpers.bulk dropped a document: ${JSON.stringify(d.error)}\n`) });
    } else {
      for (let i = 0; i < total; i++) {
        offer(i);
        if (i % 500 === 499) await tick();
      }
    }
    sent = total;
  } else {
    // Offer `rate` events/s: 5 s before the outage, during it, until the node is back, then 5 s more.
    let stopAt = Infinity;
    const started = Date.now();
    let backAt = 0;
    const restart = (async () => {
      await sleep(5000);
      await stopNode('bench');
      phase = 'down';
      await sleep(opts.outageSeconds * 1000);
      await startNode({ name: 'bench', port: opts.port, heap: '1g', log: () => undefined });
      phase = 'back';
      // Said now, so the figure survives a contender that dies while draining what it held.
      if (downSamples.length) process.stderr.write(`[bench] ${contender} RSS while the node was down: ${JSON.stringify(outageRss(downSamples))}\n`);
      backAt = Date.now();
      stopAt = backAt + 5000;
    })();
    while (Date.now() < stopAt) {
      const due = Math.floor(((Date.now() - started) / 1000) * opts.rate);
      while (sent < due) offer(sent++);
      await sleep(10);
    }
    await restart;
    await waitForCount(admin, index, sent, 600_000);
    drainSeconds = (Date.now() - backAt) / 1000;
  }
  if (contender === 'noop') {
    await new Promise<void>((resolve) => {
      logger!.on('finish', () => resolve());
      logger!.end();
    });
  } else if (scenario === 'throughput') {
    await waitForCount(admin, index, sent, 600_000);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peak = Math.max(peak, rss());
  const counted = contender === 'noop' ? { indexed: sent, distinct: sent } : await countIds(admin, index, idField);
  if (logger && contender !== 'noop') logger.end();
  if (isOurs) await admin.indices.deleteDataStream({ name: index }).catch(() => undefined);
  else await admin.indices.delete({ index }).catch(() => undefined);
  rmSync(spoolDir, { recursive: true, force: true });
  return {
    contender, scenario, sent, ...counted, seconds,
    cpuMicrosPerEvent: (cpu.user + cpu.system) / Math.max(1, sent),
    peakRssMb: peak, rssGrowthMb: peak - rss0,
    ...(drainSeconds === undefined ? {} : { drainSeconds }),
    ...(downSamples.length ? { outageRss: outageRss(downSamples) } : {}),
  };
}
