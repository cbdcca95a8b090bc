// Benchmark of `verifyNamespace`: seeds namespace bench_verify with chained events and signed checkpoints (once), then times verification (2 scans at once, and 1) against a raw sorted scan of the same events, each run in its own process.
// Usage: npx tsx bench/verify.ts [--events 200000] [--producers 4] [--every 1000] [--rounds 3] [--batch 5000]   (OPENSEARCH_URL: another cluster than the local node)
import { spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Client } from '@opensearch-project/opensearch';
import { ensureOpenSearch } from '../src/dev/opensearch/launcher.js';
import { createOpenSearchClient, connectionFromEnvironment } from '../src/storage/connection.js';
import { setupAuditStorage } from '../src/storage/setup.js';
import { checkpointStreamName, dataStreamName } from '../src/storage/template.js';
import { GENESIS_LINK, linkDocument } from '../src/integrity/chain.js';
import { checkpointDigest, checkpointDocument, checkpointId, FIRST_PREVIOUS, signCheckpoint, type CheckpointGap } from '../src/integrity/checkpoint.js';
import { signingKeyFrom, verifyKeyFrom } from '../src/integrity/keys.js';
import { verifyNamespace } from '../src/query/verify-namespace.js';
import { scanSorted } from '../src/query/sorted-scan.js';
import { EVENT_ORDER } from '../src/query/verify-window.js';
import { ensureCheckpointTemplate } from '../test/helpers/verify-seed.js';

const NAMESPACE = 'bench_verify';
const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    producers: { type: 'string', default: '4' },
    every: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '5000' },
    child: { type: 'string' },
    url: { type: 'string' },
  },
});
const N = Number(args.events);
const PRODUCERS = Number(args.producers);
const EVERY = Number(args.every);
const BATCH = Number(args.batch);

/** The bench's fixed Ed25519 key (from a constant seed), so a namespace seeded earlier verifies in a later run. */
const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 7)]), format: 'der', type: 'pkcs8' });
const signing = signingKeyFrom(privateKey);
const verifyKey = verifyKeyFrom(createPublicKey(privateKey));

const clientFor = (url: string): Client => createOpenSearchClient(connectionFromEnvironment({ OPENSEARCH_URL: url }));
const T0 = Date.parse('2026-10-01T00:00:00.000Z');

/** A realistic event document (about 850 bytes as ECS JSON) of producer `p`, sequence `n`. */
function eventDocument(p: string, n: number, time: number): Record<string, unknown> {
  const user = `user${n % 97}`;
  return {
    '@timestamp': new Date(time).toISOString(),
    audit_trail: { actor: { type: 'user' }, producer: p, resource: { id: `ws-${n % 1013}`, target: `${user}-dev`, type: 'workspace' } },
    client: { ip: `10.0.${n % 250}.${n % 251}` },
    ecs: { version: '8.10.0' },
    event: { action: 'write', category: ['configuration'], created: new Date(time).toISOString(), dataset: 'audit_trail.events', id: `${p}-${String(n).padStart(9, '0')}`, kind: 'event', outcome: 'success', sequence: n, type: ['change'] },
    http: { request: { id: `req-${n}` } },
    message: `${user} changed workspace ${user}-dev`,
    source: { ip: `10.0.${n % 250}.${n % 251}` },
    user: { email: `${user}@example.com`, id: `u-${n % 97}`, name: user, roles: ['member'] },
    user_agent: { original: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36' },
  };
}

async function count(client: Client, index: string): Promise<number> {
  return client.count({ index } as never).then((r) => (r.body as { count: number }).count, () => -1);
}

/** Seeds the namespace unless it holds exactly the wanted events and checkpoints already. */
async function seed(client: Client): Promise<void> {
  const perProducer = Math.ceil(N / PRODUCERS);
  const checkpoints = PRODUCERS * Math.ceil(perProducer / EVERY);
  if ((await count(client, dataStreamName(NAMESPACE))) === perProducer * PRODUCERS && (await count(client, checkpointStreamName(NAMESPACE))) === checkpoints) {
    console.log(`[bench] ${NAMESPACE} already holds ${perProducer * PRODUCERS} events and ${checkpoints} checkpoints`);
    return;
  }
  for (const name of [dataStreamName(NAMESPACE), checkpointStreamName(NAMESPACE)]) await client.indices.deleteDataStream({ name }).catch(() => undefined);
  await ensureCheckpointTemplate(client);
  await setupAuditStorage(client, { namespace: NAMESPACE });
  const started = performance.now();
  const inFlight = new Set<Promise<unknown>>();
  const send = async (index: string, body: string[]): Promise<void> => {
    const request = client.bulk({ index, body } as never).then((res) => {
      if ((res.body as { errors: boolean }).errors) throw new Error(`bulk into ${index} had errors`);
    });
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
    if (inFlight.size >= 2) await Promise.race(inFlight);
  };
  for (let p = 0; p < PRODUCERS; p++) {
    const producer = `bench-${p + 1}`;
    let head = GENESIS_LINK;
    let previous = FIRST_PREVIOUS;
    let number = 0;
    const gaps: CheckpointGap[] = [];
    let lines: string[] = [];
    const marks: string[] = [];
    for (let n = 1; n <= perProducer; n++) {
      const time = T0 + n * 250 + p * 7;
      const { json, link } = linkDocument(eventDocument(producer, n, time), head);
      head = link;
      lines.push(`{"create":{"_id":"${producer}-${String(n).padStart(9, '0')}"}}`, json);
      if (n % EVERY === 0 || n === perProducer) {
        const c = signCheckpoint({ producer, number: ++number, sequence: n, link: head, previous, gaps: gaps.splice(0), time: new Date(time).toISOString(), key_id: signing.keyId, kind: n === perProducer ? 'close' : 'count' }, signing);
        previous = checkpointDigest(c);
        marks.push(JSON.stringify({ create: { _id: checkpointId(c) } }), JSON.stringify(checkpointDocument(c)));
      }
      if (lines.length >= 2 * 5000) {
        await send(dataStreamName(NAMESPACE), lines);
        lines = [];
      }
    }
    if (lines.length) await send(dataStreamName(NAMESPACE), lines);
    await Promise.all(inFlight);
    for (let i = 0; i < marks.length; i += 2000) await send(checkpointStreamName(NAMESPACE), marks.slice(i, i + 2000));
    await Promise.all(inFlight);
    process.stderr.write(`[bench] seeded ${producer}: ${perProducer} events, ${number} checkpoints\n`);
  }
  await client.indices.refresh({ index: [dataStreamName(NAMESPACE), checkpointStreamName(NAMESPACE)] });
  await client.indices.forcemerge({ index: dataStreamName(NAMESPACE), max_num_segments: 1 } as never).catch(() => undefined);
  console.log(`[bench] seeded ${NAMESPACE} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

interface Result {
  contender: string;
  events: number;
  ms: number;
  peakRssMb: number;
  status?: string;
}

/** One measured run in this process: peak RSS sampled every 50 ms. */
async function measure(contender: string, url: string): Promise<Result> {
  const client = clientFor(url);
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const started = performance.now();
  let events = 0;
  let status: string | undefined;
  if (contender.startsWith('verify')) {
    const concurrency = contender === 'verify-serial' ? 1 : 2;
    const report = await verifyNamespace(client, { namespace: NAMESPACE, keys: [verifyKey], batchSize: BATCH, concurrency });
    events = report.eventsChecked;
    status = report.status;
  } else {
    for await (const page of scanSorted(client, { index: dataStreamName(NAMESPACE), sort: EVENT_ORDER, batchSize: BATCH })) events += page.length;
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  await client.close();
  return { contender, events, ms, peakRssMb: peak / 1048576, ...(status ? { status } : {}) };
}

if (args.child) {
  const result = await measure(args.child, args.url!);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

function child(contender: string, url: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', contender, '--url', url, '--batch', String(BATCH)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    proc.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (line) resolve(JSON.parse(line.slice(7)) as Result);
      else reject(new Error(`${contender} run failed (exit ${code})`));
    });
  });
}

const node = await ensureOpenSearch();
const client = clientFor(node.url);
await seed(client);
await client.close();
const f = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const contenders = ['verify', 'verify-serial', 'raw-scan'];
const rows: Result[] = [];
for (let round = 0; round < Number(args.rounds); round++) {
  const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
  for (const c of order) {
    const r = await child(c, node.url);
    rows.push(r);
    process.stderr.write(`[bench] round ${round + 1} ${c}: ${f(r.events)} events in ${f(r.ms / 1000, 2)} s = ${f(r.events / (r.ms / 1000))} events/s, peak RSS ${f(r.peakRssMb)} MB${r.status ? `, ${r.status}` : ''}\n`);
  }
}
console.log(`\n${f(N)} events, ${PRODUCERS} producers, a checkpoint every ${f(EVERY)}, pages of ${BATCH}, on ${node.url}; each run in its own process, order rotated each round`);
console.log('verify: verifyNamespace with its default 2 concurrent scans; verify-serial: one scan; raw-scan: one sorted point-in-time scan of the same events, nothing verified\n');
console.log('| contender | events/s, each round | median | wall s (median) | peak RSS MB (max) |');
console.log('|---|---|---|---|---|');
for (const c of contenders) {
  const mine = rows.filter((r) => r.contender === c);
  const rates = mine.map((r) => r.events / (r.ms / 1000));
  const median = (xs: number[]): number => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  console.log(`| ${c} | ${rates.map((x) => f(x)).join(', ')} | ${f(median(rates))} | ${f(median(mine.map((r) => r.ms / 1000)), 2)} | ${f(Math.max(...mine.map((r) => r.peakRssMb)))} |`);
}
const statuses = [...new Set(rows.filter((r) => r.status).map((r) => r.status))];
console.log(`\nverification status: ${statuses.join(', ')}`);
