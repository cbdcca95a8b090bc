// Benchmark: producer CPU per event of each contender, side by side, against a loopback `_bulk` stand-in in its own process.
// Usage: npx tsx bench/producer-cpu.ts [--events 50000] [--rounds 3] [--only a,b]
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import winston from 'winston';
import TransportStream from 'winston-transport';
import { makeEvents } from './contenders.js';
import { OpenSearchAuditTransport } from '../src/transport/audit-transport.js';
import { createAuditLogger } from '../src/recorder/audit-logger.js';

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
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < events; i++) {
    offer(i);
    if (i % 500 === 499) await tick();
  }
  if (contender !== 'noop') while ((await delivered()) < events) await sleep(20);
  const cpu = process.cpuUsage(cpu0);
  await end();
  rmSync(spoolDir, { recursive: true, force: true });
  return (cpu.user + cpu.system) / events;
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
}
