import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { BulkStandIn } from '../helpers/bulk-stand-in.js';
import { OpenSearchAuditTransport, type TransportStats } from '../../src/transport/audit-transport.js';
import { SpoolFiles } from '../../src/transport/spool-files.js';

const KiB = 1024;
const OFFLINE = 'http://127.0.0.1:9';
const event = (n: number) => {
  const { id: _generated, ...e } = sampleEvent({ resource: { type: 'workspace', id: `ws-${n}` } });
  return e;
};

interface ProbeReport {
  syncReadBytes: number;
  afterConstructor: number;
  memoryBytesAfterConstructor: number;
  peak: number;
  stats: TransportStats;
}

/** Runs the recovery probe in its own process (so ArrayBuffer growth is its own) and returns its report. */
function probe(url: string, spoolDir: string, memoryCapBytes: number): Promise<ProbeReport> {
  return new Promise((resolve, reject) => {
    const script = join(process.cwd(), 'test', 'helpers', 'spool-recovery-probe.ts');
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, url, spoolDir, String(memoryCapBytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ProbeReport) : reject(new Error(`probe exited with ${code}: ${out}`))));
  });
}

describe('recovery of a large spool (no OpenSearch needed)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A spool left by a run that took `segments` segments' worth of events while OpenSearch was away; returns how many. */
  async function offlineSpool(spoolDir: string, memoryCapBytes: number, segments: number): Promise<number> {
    const segmentBytes = memoryCapBytes / 4;
    const offline = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir, memoryCapBytes, segmentBytes, retryBaseDelayMs: 5000 });
    offline.on('warn', () => undefined);
    const logger = winston.createLogger({ transports: [offline] });
    let taken = 0;
    while (offline.stats().spooledBytes < segments * segmentBytes) {
      for (let i = 0; i < 50; i++) logger.info('audit', { audit: event(++taken) });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await offline.close(0), 'all left in the spool').to.equal(taken);
    return taken;
  }

  /** Restarts on `spoolDir` in front of a stand-in, counting the reads of each segment; returns them, what was sent and the count known at once. */
  async function restart(spoolDir: string, memoryCapBytes: number) {
    const reads = new Map<number, number>();
    const read = SpoolFiles.prototype.read;
    SpoolFiles.prototype.read = function (this: SpoolFiles, id: number, keep?: boolean) {
      reads.set(id, (reads.get(id) ?? 0) + 1);
      return read.call(this, id, keep);
    };
    const standIn = new BulkStandIn(() => ({ status: 201 }));
    const url = await standIn.start();
    try {
      const transport = new OpenSearchAuditTransport({ node: url, spoolDir, memoryCapBytes, segmentBytes: memoryCapBytes / 4, batchSize: 100, flushIntervalMs: 20 });
      transport.on('warn', () => undefined);
      const queuedAtOnce = transport.stats().queued;
      const readsAtOnce = [...reads.values()].reduce((a, b) => a + b, 0);
      await transport.flush();
      const stats = transport.stats();
      await transport.close();
      return { reads, queuedAtOnce, readsAtOnce, stats, sent: standIn.requests.flat() };
    } finally {
      SpoolFiles.prototype.read = read;
      await standIn.stop();
    }
  }

  it('counts the segments of the previous run from their count files: each segment is read once, when the sender reaches it', async () => {
    const memoryCapBytes = 256 * KiB;
    const spoolDir = mkdtempSync(join(tmpdir(), 'audit-recovery-'));
    dirs.push(spoolDir);
    const taken = await offlineSpool(spoolDir, memoryCapBytes, 8);
    const segments = readdirSync(spoolDir).filter((f) => f.endsWith('.spool')).length;
    expect(readdirSync(spoolDir).filter((f) => f.endsWith('.count')).length, 'a count file per segment').to.equal(segments);
    const { reads, queuedAtOnce, readsAtOnce, stats, sent } = await restart(spoolDir, memoryCapBytes);
    expect(queuedAtOnce, 'counted at start').to.equal(taken);
    expect(readsAtOnce, 'nothing read to count (the first segment may be read at once, to be sent)').to.be.at.most(1);
    expect(reads.size, 'every segment read').to.equal(segments);
    expect([...reads.values()].every((n) => n === 1), `each segment read once (reads per segment: ${[...reads.values()].join(', ')})`).to.equal(true);
    expect(stats).to.include({ delivered: taken, queued: 0, corruptBytes: 0 });
    expect(new Set(sent).size).to.equal(taken);
    expect(readdirSync(spoolDir).filter((f) => f.endsWith('.spool') || f.endsWith('.count'))).to.deep.equal([]);
  });

  it('reads a segment to count it when its count file is missing or does not match it, and delivers every event once', async () => {
    const memoryCapBytes = 256 * KiB;
    const spoolDir = mkdtempSync(join(tmpdir(), 'audit-recovery-'));
    dirs.push(spoolDir);
    const taken = await offlineSpool(spoolDir, memoryCapBytes, 4);
    const counts = readdirSync(spoolDir).filter((f) => f.endsWith('.count')).sort();
    unlinkSync(join(spoolDir, counts.at(-1)!)); // as after a crash: the active segment had none
    appendFileSync(join(spoolDir, counts[0]!.replace('.count', '.spool')), Buffer.from('torn')); // grew since its count: not trusted
    const { reads, queuedAtOnce, stats, sent } = await restart(spoolDir, memoryCapBytes);
    expect(queuedAtOnce, 'two segments left to count by reading them').to.be.below(taken);
    expect([...reads.values()].filter((n) => n === 2).length, 'those two read to count, then again to send').to.equal(2);
    expect(stats).to.include({ delivered: taken, queued: 0, corruptBytes: 4 });
    expect(new Set(sent).size).to.equal(taken);
    expect(sent.length, 'nothing sent twice').to.equal(taken);
  });

  it('reads the segments back lazily, under the memory cap, and delivers every event once', async () => {
    const memoryCapBytes = 512 * KiB;
    const segmentBytes = memoryCapBytes / 4;
    const spoolDir = mkdtempSync(join(tmpdir(), 'audit-recovery-'));
    dirs.push(spoolDir);
    // A run that took events while OpenSearch was away: 20 segments' worth, five times the memory cap.
    const offline = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir, memoryCapBytes, segmentBytes, retryBaseDelayMs: 5000 });
    offline.on('warn', () => undefined);
    const logger = winston.createLogger({ transports: [offline] });
    let taken = 0;
    while (offline.stats().spooledBytes < 20 * segmentBytes) {
      for (let i = 0; i < 50; i++) logger.info('audit', { audit: event(++taken) });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await offline.close(0), 'all left in the spool').to.equal(taken);
    expect(readdirSync(spoolDir).filter((f) => f.endsWith('.spool')).length).to.be.at.least(20);

    const standIn = new BulkStandIn(() => ({ status: 201 }));
    const url = await standIn.start();
    try {
      const report = await probe(url, spoolDir, memoryCapBytes);
      // The constructor opens files and reads at most the tail of the last segment (for the sequence), whatever the spool's size.
      expect(report.syncReadBytes, 'bytes read synchronously by the constructor').to.be.at.most(segmentBytes);
      expect(report.memoryBytesAfterConstructor).to.equal(0);
      expect(report.afterConstructor, 'ArrayBuffer growth after construction').to.be.below(segmentBytes);
      expect(report.peak, 'ArrayBuffer growth at its peak during the replay').to.be.at.most(2 * memoryCapBytes);
      expect(report.stats).to.include({ delivered: taken, queued: 0, inFlight: 0, memoryBytes: 0, spooledBytes: 0 });
      const sent = standIn.requests.flat();
      expect(sent.length, 'nothing sent twice').to.equal(taken);
      expect(new Set(sent).size, 'every event sent').to.equal(taken);
    } finally {
      await standIn.stop();
    }
  });
});
