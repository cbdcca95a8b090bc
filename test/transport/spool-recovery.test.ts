import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { BulkStandIn } from '../helpers/bulk-stand-in.js';
import { OpenSearchAuditTransport, type TransportStats } from '../../src/transport/audit-transport.js';

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
