// Benchmark: the start on a large spool left by a previous run, with and without the segments' count files, side by side.
// Usage: npx tsx bench/spool-recovery.ts [--mb 120] [--rounds 3]
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { makeEvents } from './contenders.js';
import { createAuditLogger } from '../src/recorder/audit-logger.js';
import { OpenSearchAuditTransport } from '../src/transport/audit-transport.js';
import { SpoolFiles } from '../src/transport/spool-files.js';

/** Nothing listens on port 9: every event stays in the spool. */
const OFFLINE = 'http://127.0.0.1:9';
const { values: args } = parseArgs({ options: { mb: { type: 'string', default: '120' }, rounds: { type: 'string', default: '3' } } });
const MiB = 1024 * 1024;

/** Fills a spool with about `mb` MiB of events taken while OpenSearch was away; returns how many. */
async function fill(spoolDir: string, mb: number): Promise<number> {
  const audit = createAuditLogger({ node: OFFLINE, spoolDir, retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000, onWarning: () => undefined });
  const events = makeEvents(5000);
  let taken = 0;
  while (audit.stats().spooledBytes < mb * MiB) {
    for (let i = 0; i < 500; i++) audit.record({ ...events[taken++ % events.length]!, id: undefined });
    await tick();
  }
  await audit.transport.close(0);
  return taken;
}

/** Starts on `spoolDir` (offline) and measures until every record of the previous run is counted. */
async function start(spoolDir: string, taken: number) {
  const sizes = new Map(readdirSync(spoolDir).filter((f) => f.endsWith('.spool')).map((f) => [Number(f.slice(8, 20)), statSync(join(spoolDir, f)).size]));
  let bytesRead = 0;
  let reads = 0;
  const read = SpoolFiles.prototype.read;
  SpoolFiles.prototype.read = function (this: SpoolFiles, id: number, keep?: boolean) {
    reads++;
    bytesRead += sizes.get(id) ?? 0;
    return read.call(this, id, keep);
  };
  try {
    const t0 = performance.now();
    const transport = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir, retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000 });
    transport.on('warn', () => undefined);
    const constructorMs = performance.now() - t0;
    while (transport.stats().queued + transport.stats().inFlight < taken) await sleep(1);
    const countedMs = performance.now() - t0;
    const result = { constructorMs, countedMs, reads, bytesRead };
    await transport.close(0);
    return result;
  } finally {
    SpoolFiles.prototype.read = read;
  }
}

const withCounts = mkdtempSync(join(tmpdir(), 'bench-recovery-'));
const withoutCounts = mkdtempSync(join(tmpdir(), 'bench-recovery-'));
try {
  const taken = await fill(withCounts, Number(args.mb));
  cpSync(withCounts, withoutCounts, { recursive: true });
  for (const f of readdirSync(withoutCounts)) if (f.endsWith('.count')) unlinkSync(join(withoutCounts, f));
  const spoolBytes = readdirSync(withCounts).filter((f) => f.endsWith('.spool')).reduce((n, f) => n + statSync(join(withCounts, f)).size, 0);
  const segments = readdirSync(withCounts).filter((f) => f.endsWith('.spool')).length;
  console.log(`spool: ${taken} events, ${segments} segments (8 MiB each at most), ${(spoolBytes / MiB).toFixed(1)} MiB (page cache warm: both copies were just written)`);
  const contenders = { 'count files': withCounts, 'no count files (every segment read to count it, as before)': withoutCounts } as const;
  const rows = new Map<string, { constructorMs: number; countedMs: number; reads: number; bytesRead: number }[]>();
  const names = Object.keys(contenders) as (keyof typeof contenders)[];
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const r = await start(contenders[name], taken);
      console.log(`[recovery] round ${round + 1} ${name}: constructor ${r.constructorMs.toFixed(1)} ms, counted after ${r.countedMs.toFixed(1)} ms, ${r.reads} segment reads, ${(r.bytesRead / MiB).toFixed(1)} MiB read`);
      rows.set(name, [...(rows.get(name) ?? []), r]);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(rows.get(names[1]!)!.map((r) => r.countedMs));
  console.log('\n| start on the spool | constructor ms (median) | all counted after, ms, each round | median | × no count files | MiB read until counted |');
  console.log('|---|---|---|---|---|---|');
  for (const name of names) {
    const rs = rows.get(name)!;
    const counted = median(rs.map((r) => r.countedMs));
    console.log(`| ${name} | ${median(rs.map((r) => r.constructorMs)).toFixed(1)} | ${rs.map((r) => r.countedMs.toFixed(1)).join(', ')} | ${counted.toFixed(1)} | ${(counted / base).toFixed(3)} | ${(median(rs.map((r) => r.bytesRead)) / MiB).toFixed(1)} |`);
  }
} finally {
  rmSync(withCounts, { recursive: true, force: true });
  rmSync(withoutCounts, { recursive: true, force: true });
}
