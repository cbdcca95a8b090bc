// Benchmark: producer CPU per event of each contender, side by side, against a loopback `_bulk` stand-in in its own process.
// Usage: npx tsx bench/producer-cpu.ts [--events 50000] [--rounds 3] [--only a,b] [--steps]; BENCH_CPU_PROFILE=file.cpuprofile with --child C --url U profiles one contender's measured window
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import winston from 'winston';
import TransportStream from 'winston-transport';
import { makeEvents } from './contenders.js';
import { OpenSearchAuditTransport } from '../src/transport/audit-transport.js';
import { createAuditLogger } from '../src/recorder/audit-logger.js';
import { validateEvent } from '../src/model/event.js';
import { describeEvent, toEcsDocument } from '../src/model/ecs-document.js';
import { canonicalJson, chainLink, GENESIS_LINK } from '../src/integrity/chain.js';
import { bulkChunkEncoder } from '../src/transport/bulk-line.js';
import { encodeHeaderInto } from '../src/transport/record-codec.js';

const CONTENDERS = {
  noop: 'winston + no-op transport (floor)',
  peer: 'winston-opensearch 0.3.0 (peer)',
  winston: 'ours through winston',
  'winston-spool': 'ours through winston, with a spool',
  'record-spool': 'ours typed API record(), with a spool',
} as const;
type Contender = keyof typeof CONTENDERS;

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    child: { type: 'string' },
    'stand-in': { type: 'boolean', default: false },
    steps: { type: 'boolean', default: false },
    url: { type: 'string' },
  },
});
const events = Number(args.events);

/** The `_bulk` stand-in: answers every item created (201), counts items per target; nothing else is checked. */
async function standIn(): Promise<void> {
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const reply = (body: string) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      };
      if (url.pathname === '/__count') return reply(String(counts.get(url.searchParams.get('tag') ?? '') ?? 0));
      if (!url.pathname.endsWith('/_bulk')) return reply(url.pathname.includes('health') ? '{"status":"green"}' : '{}');
      const lines = Buffer.concat(chunks).toString('utf8').split('\n');
      let n = 0;
      let tag = '';
      for (let i = 0; i < lines.length; i += 2) {
        if (!lines[i]) continue;
        if (!tag) tag = /"_index":"([^"]+)"/.exec(lines[i]!)?.[1] ?? '';
        n++;
      }
      counts.set(tag, (counts.get(tag) ?? 0) + n);
      const item = '{"create":{"status":201}}';
      reply(`{"took":1,"errors":false,"items":[${Array.from({ length: n }, () => item).join(',')}]}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`URL http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
}

class NoopTransport extends TransportStream {
  override log(_info: unknown, next: () => void): void {
    next();
  }
}

/** Runs one contender in this process: CPU from the first event to the stand-in's count of the last one. */
async function runChild(contender: Contender, url: string): Promise<number> {
  const inputs = makeEvents(events);
  const namespace = `cpu_${contender.replace(/[^a-z]/g, '')}_${process.pid}`;
  const tag = contender === 'peer' ? `peer-${process.pid}` : `logs-audit_trail.events-${namespace}`;
  const spoolDir = mkdtempSync(join(tmpdir(), 'bench-cpu-'));
  let offer: (i: number) => void;
  let end: () => Promise<unknown>;
  if (contender === 'record-spool') {
    const audit = createAuditLogger({ node: url, namespace, spoolDir, onWarning: () => undefined });
    offer = (i) => audit.record(inputs[i]!);
    end = () => audit.close();
  } else {
    let transport: TransportStream;
    if (contender === 'noop') transport = new NoopTransport();
    else if (contender === 'peer') {
      type Ctor = new (o: Record<string, unknown>) => TransportStream;
      const mod = (await import('winston-opensearch')) as unknown as { default: Ctor | { OpensearchTransport: Ctor } };
      const Peer = typeof mod.default === 'function' ? mod.default : mod.default.OpensearchTransport;
      transport = new Peer({ clientOpts: { node: url }, index: tag, ensureIndexTemplate: false, flushInterval: 1000, internalLogger: () => undefined });
    } else {
      transport = new OpenSearchAuditTransport({ node: url, namespace, ...(contender === 'winston-spool' ? { spoolDir } : {}) });
      transport.on('warn', () => undefined);
    }
    const logger = winston.createLogger({ transports: [transport] });
    offer = (i) => logger.info('audit', { audit: inputs[i] });
    end = () => new Promise<void>((resolve) => (logger.on('finish', () => resolve()), logger.end()));
  }
  await sleep(300);
  const delivered = async () => Number(await (await fetch(`${url}/__count?tag=${encodeURIComponent(tag)}`)).text());
  const profile = process.env.BENCH_CPU_PROFILE ? await startProfile() : undefined;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < events; i++) {
    offer(i);
    if (i % 500 === 499) await tick();
  }
  if (contender !== 'noop') while ((await delivered()) < events) await sleep(20);
  const cpu = process.cpuUsage(cpu0);
  if (profile) writeFileSync(process.env.BENCH_CPU_PROFILE!, JSON.stringify(await profile()));
  await end();
  rmSync(spoolDir, { recursive: true, force: true });
  return (cpu.user + cpu.system) / events;
}

/** Starts V8's sampling profiler (the measured window only, not start-up or event generation); the result stops it. */
async function startProfile(): Promise<() => Promise<unknown>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => (await session.post('Profiler.stop')).profile;
}

/**
 * The work every event of the typed API needs, each step alone over the same events in this process
 * (CPU µs per event, the median of 5 passes): what the hot path cannot do without, to set beside the budget.
 */
function stepCosts(n: number): Array<[string, number]> {
  const inputs = makeEvents(n);
  const validated = inputs.map((e) => validateEvent(e));
  const documents = validated.map((e, i) => toEcsDocument(e, { producer: 'bench', sequence: i + 1, hostname: 'h', service: { name: 'bench' }, message: describeEvent(e) }));
  const canonical = documents.map((d) => canonicalJson(d));
  const links = canonical.map((c) => chainLink(GENESIS_LINK, c));
  const encode = bulkChunkEncoder('logs-audit_trail.events-bench');
  const chunks = canonical.map((c, i) => encode.fromJson(documents[i]!.event.id, `${c.slice(0, -1)},"audit_trail.chain":{"link":"${links[i]}","prev":"${GENESIS_LINK}"}}`));
  const header = Buffer.allocUnsafe(4096);
  const steps: Array<[string, (i: number) => unknown]> = [
    ['validate the input (well-formed check)', (i) => validateEvent(inputs[i])],
    ['build the ECS document and its message', (i) => toEcsDocument(validated[i]!, { producer: 'bench', sequence: i + 1, hostname: 'h', service: { name: 'bench' }, message: describeEvent(validated[i]!) })],
    ['canonical JSON (RFC 8785) of the document', (i) => canonicalJson(documents[i])],
    ['chain link (SHA-256 over the previous link and that text)', (i) => chainLink(GENESIS_LINK, canonical[i]!)],
    ['bulk chunk (action line + UTF-8 Buffer)', (i) => encode.fromJson(documents[i]!.event.id, canonical[i]!)],
    ['spool record header (+ CRC32 of the chunk)', (i) => encodeHeaderInto(header, 0, chunks[i]!.body, { acceptedAt: i, sequence: i + 1, eventId: chunks[i]!.eventId, link: links[i] })],
  ];
  return steps.map(([name, step]) => {
    const passes: number[] = [];
    for (let pass = 0; pass < 5; pass++) {
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < n; i++) step(i);
      const cpu = process.cpuUsage(cpu0);
      passes.push((cpu.user + cpu.system) / n);
    }
    return [name, passes.sort((a, b) => a - b)[2]!];
  });
}

function spawnSelf(extra: string[], onLine: (line: string) => void): ChildProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buffered = '';
  proc.stdout!.on('data', (c: Buffer) => {
    buffered += c.toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      onLine(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
    }
  });
  return proc;
}

function measure(contender: Contender, url: string): Promise<number> {
  return new Promise((resolve) => {
    let result = NaN;
    const proc = spawnSelf(['--child', contender, '--url', url, '--events', String(events)], (line) => {
      if (line.startsWith('RESULT ')) result = Number(line.slice(7));
    });
    proc.on('exit', () => resolve(result));
  });
}

if (args['stand-in']) {
  await standIn();
} else if (args.child) {
  const micros = await runChild(args.child as Contender, args.url!);
  process.stdout.write(`RESULT ${micros}\n`);
  process.exit(0);
} else {
  const chosen = (args.only?.split(',') ?? Object.keys(CONTENDERS)) as Contender[];
  let url = '';
  const server = spawnSelf(['--stand-in'], (line) => {
    if (line.startsWith('URL ')) url = line.slice(4);
  });
  while (!url) await sleep(50);
  const rounds = Number(args.rounds);
  const figures = new Map<Contender, number[]>(chosen.map((c) => [c, []]));
  for (let round = 0; round < rounds; round++) {
    const order = chosen.map((_, i) => chosen[(i + round) % chosen.length]!);
    for (const c of order) {
      const micros = await measure(c, url);
      figures.get(c)!.push(micros);
      process.stderr.write(`[cpu] round ${round + 1} ${c}: ${micros.toFixed(1)} µs/event\n`);
    }
  }
  server.kill();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const f = (n: number) => n.toFixed(1);
  const peer = figures.has('peer') ? median(figures.get('peer')!) : NaN;
  const floor = figures.has('noop') ? median(figures.get('noop')!) : NaN;
  console.log(`\nProducer CPU per event: ${events.toLocaleString('en-US')} events, ${rounds} rounds (order rotated), each contender in its own process, loopback _bulk stand-in in another\n`);
  console.log('| contender | µs/event, each round | median | × peer (median) | − floor (median) |');
  console.log('|---|---|---|---|---|');
  for (const c of chosen) {
    const xs = figures.get(c)!;
    console.log(`| ${CONTENDERS[c]} | ${xs.map(f).join(', ')} | ${f(median(xs))} | ${(median(xs) / peer).toFixed(2)} | ${f(median(xs) - floor)} |`);
  }
  if (args.steps) {
    const costs = stepCosts(events);
    const sum = costs.reduce((a, [, c]) => a + c, 0);
    console.log(`\nThe typed API's steps alone (this process, after the rounds; median of 5 passes over the same events) against the budget of 0.25 × the peer's median (${f(peer / 4)} µs)\n`);
    console.log('| step | µs/event | share of the budget |');
    console.log('|---|---|---|');
    for (const [name, c] of costs) console.log(`| ${name} | ${f(c)} | ${(c / (peer / 4)).toFixed(2)} |`);
    console.log(`| **sum, before queueing, spool writes, fdatasync, HTTP and GC** | ${f(sum)} | ${(sum / (peer / 4)).toFixed(2)} |`);
  }
}
