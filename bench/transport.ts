// Benchmark: our transport against winston-opensearch, a no-op winston transport and client.helpers.bulk, on one local node.
// Usage: npm run bench:transport -- [--events 60000] [--rounds 3] [--outage 60] [--rate 5000] [--skip-outage] [--outage-contenders ours,winston-opensearch]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startNode, stopNode } from '../src/dev/opensearch/launcher.js';
import { runContender, type Contender, type RunResult } from './contenders.js';
import { TRANSPORT_DEFAULTS } from '../src/transport/options.js';

const BENCH_PORT = 9242;
const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '60000' },
    outage: { type: 'string', default: '60' },
    rate: { type: 'string', default: '5000' },
    'skip-outage': { type: 'boolean', default: false },
    'outage-contenders': { type: 'string', default: 'ours,winston-opensearch' },
    rounds: { type: 'string', default: '3' },
    child: { type: 'string' },
    scenario: { type: 'string' },
  },
});
const settings = { url: `http://127.0.0.1:${BENCH_PORT}`, port: BENCH_PORT, events: Number(args.events), outageSeconds: Number(args.outage), rate: Number(args.rate) };

if (args.child) {
  const result = await runContender(args.child as Contender, args.scenario as 'throughput' | 'outage', settings);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

type Outcome = RunResult | { contender: Contender; scenario: string; failed: string };

/** Runs a contender in its own process (own CPU and RSS figures); a crash is a result too. */
function child(contender: Contender, scenario: 'throughput' | 'outage'): Promise<Outcome> {
  process.stderr.write(`[bench] ${contender} / ${scenario}…\n`);
  return new Promise((resolve) => {
    // A large heap limit for everyone, so a peer that holds an outage in memory shows its growth instead of dying at V8's default.
    const proc = spawn(process.execPath, ['--max-old-space-size=6144', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', contender, '--scenario', scenario,
      '--events', String(settings.events), '--outage', String(settings.outageSeconds), '--rate', String(settings.rate)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    proc.on('exit', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      const result: Outcome = line ? (JSON.parse(line.slice(7)) as RunResult) : { contender, scenario, failed: `process died (${signal ?? `exit ${code}`})` };
      process.stderr.write(`[bench] ${JSON.stringify(result)}\n`);
      resolve(result);
    });
  });
}

const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
await startNode({ name: 'bench', port: BENCH_PORT, heap: '1g' });
// Warm the node first (JIT, caches, the template's first data stream): a cold node misleads whoever runs first.
process.stderr.write('[bench] warming the node…\n');
await child('bulk-helper', 'throughput');
const throughputContenders = ['bulk-helper', 'ours', 'winston-opensearch'] as const;
const rounds: Outcome[][] = [];
for (let round = 0; round < Number(args.rounds); round++) {
  const order = throughputContenders.map((_, i) => throughputContenders[(i + round) % throughputContenders.length]!);
  const results: Outcome[] = [];
  for (const c of order) results.push(await child(c, 'throughput'));
  rounds.push(results);
}
const outages: Outcome[] = [];
if (!args['skip-outage']) {
  for (const c of args['outage-contenders']!.split(',') as Contender[]) {
    outages.push(await child(c, 'outage'));
    await startNode({ name: 'bench', port: BENCH_PORT, heap: '1g', log: () => undefined }); // back up if a crash left it stopped
  }
}

const ok = (r: Outcome | undefined): r is RunResult => r !== undefined && !('failed' in r);
console.log(`\nThroughput: ${f(settings.events)} events per contender and round, node 'bench' (1 GiB heap, warmed) on ${settings.url}; order rotated each round; events/s confirmed by count; × helpers.bulk of the same round\n`);
console.log('| round | contender | events/s indexed | × helpers.bulk | producer CPU µs/event | peak RSS MB | indexed | distinct ids |');
console.log('|---|---|---|---|---|---|---|---|');
rounds.forEach((results, round) => {
  const ceilingRun = results.find((r) => r.contender === 'bulk-helper');
  const ceiling = ok(ceilingRun) ? ceilingRun.sent / ceilingRun.seconds : NaN;
  for (const r of results) {
    if (!ok(r)) {
      console.log(`| ${round + 1} | ${r.contender} | ${r.failed} | | | | | |`);
      continue;
    }
    const rate = r.sent / r.seconds;
    console.log(`| ${round + 1} | ${r.contender} | ${f(rate)} | ${f(rate / ceiling, 2)} | ${f(r.cpuMicrosPerEvent, 1)} | ${f(r.peakRssMb)} | ${f(r.indexed)} | ${f(r.distinct)} |`);
  }
});
if (outages.length) {
  console.log(`\nOutage: ${settings.rate} events/s offered, node stopped ${settings.outageSeconds} s (plus its restart time)\n`);
  console.log(`Ours holds at most its memory cap (${f(TRANSPORT_DEFAULTS.memoryCapBytes / 2 ** 20)} MiB) of undelivered events and spools the rest; the target is RSS growth while the node is down ≤ 2× that cap, and flat.\n`);
  console.log('| contender | sent | RSS while down: start → peak MB (growth) | slope, second half of the outage (MB/min) | peak RSS growth, whole run MB | lost | duplicated | time to drain after recovery (s) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of outages) {
    if (!ok(r)) {
      console.log(`| ${r.contender} | ${r.failed}: every event it held in memory is lost | | | | | | |`);
      continue;
    }
    const down = r.outageRss ? `${f(r.outageRss.startMb)} → ${f(r.outageRss.peakMb)} (+${f(r.outageRss.peakMb - r.outageRss.startMb)})` : 'n/a';
    const slope = r.outageRss ? f(r.outageRss.slopeMbPerMin, 1) : 'n/a';
    console.log(`| ${r.contender} | ${f(r.sent)} | ${down} | ${slope} | ${f(r.rssGrowthMb)} | ${f(r.sent - r.distinct)} | ${f(r.indexed - r.distinct)} | ${f(r.drainSeconds ?? 0, 1)} |`);
  }
}
await stopNode('bench');
