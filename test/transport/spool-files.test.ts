import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { spyOnFs } from '../helpers/fs-spy.js';
import { BulkStandIn } from '../helpers/bulk-stand-in.js';
import { decodeRecords } from '../../src/transport/record-codec.js';
import { SpoolFiles } from '../../src/transport/spool-files.js';
import type { SyncPolicy } from '../../src/transport/options.js';
import { OpenSearchAuditTransport, type DropNotice, type TransportWarning } from '../../src/transport/audit-transport.js';

const segmentPath = (dir: string, id: number) => join(dir, `segment-${String(id).padStart(12, '0')}.spool`);
const facts = (n: number) => ({ acceptedAt: n, sequence: n, eventId: `e-${n}` });
const record = (n: number) => Buffer.from(`record ${n}\n`);
const event = (n: number) => {
  const { id: _generated, ...e } = sampleEvent({ resource: { type: 'workspace', id: `ws-${n}` } });
  return e;
};
const until = async (condition: () => boolean, what: string, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('the spool files (no OpenSearch needed)', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-spool-files-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function openSpool(sync: SyncPolicy = 'none', syncIntervalMs = 500) {
    const dir = tempDir();
    const failures: Error[] = [];
    const spool = new SpoolFiles(dir, sync, syncIntervalMs, { writeFailed: (error) => failures.push(error) }, 'spool-files-test');
    return { dir, spool, failures };
  }

  describe('record headers', () => {
    it('are written without a buffer per record, into a buffer reused once written, and read back intact (sequences above 2^32 too)', () => {
      const { dir, spool } = openSpool();
      const big = 2 ** 40 + 7;
      const many = Array.from({ length: 2000 }, (_, i) => ({ payload: record(i), facts: { acceptedAt: i, sequence: i === 1999 ? big : i + 1, eventId: `e-${i}-é` } }));
      const allocations = { count: 0 };
      const originals = { allocUnsafe: Buffer.allocUnsafe, allocUnsafeSlow: Buffer.allocUnsafeSlow, alloc: Buffer.alloc, from: Buffer.from };
      for (const name of Object.keys(originals) as (keyof typeof originals)[]) {
        (Buffer as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
          allocations.count++;
          return (originals[name] as (...a: unknown[]) => Buffer).apply(Buffer, args);
        };
      }
      try {
        for (const { payload, facts } of many.slice(0, 1000)) spool.append(payload, facts, false);
        spool.writeNow();
        for (const { payload, facts } of many.slice(1000)) spool.append(payload, facts, false);
      } finally {
        Object.assign(Buffer, originals);
      }
      // 2,000 records of about 70 header bytes: a few 64 KiB header buffers at most, never one per record.
      expect(allocations.count, 'Buffer allocations for 2,000 records').to.be.at.most(4);
      spool.writeNow();
      spool.close();
      const back = decodeRecords(readFileSync(segmentPath(dir, spool.activeSegment)));
      expect(back).to.include({ skippedBytes: 0, damaged: 0 });
      expect(back.records.map((r) => [r.payload.toString(), r.acceptedAt, r.sequence, r.eventId])).to.deep.equal(many.map((m) => [m.payload.toString(), m.facts.acceptedAt, m.facts.sequence, m.facts.eventId]));
    });
  });

  describe('a new segment that cannot be opened', () => {
    it('keeps writing to the current segment, and never to a descriptor it closed', () => {
      const { dir, spool, failures } = openSpool();
      spool.append(record(1), facts(1), false);
      const first = spool.activeSegment;
      mkdirSync(segmentPath(dir, first + 1)); // a directory where the next segment goes: opening it fails
      expect(spool.rotate(), 'no rotation').to.equal(undefined);
      expect(failures.map((e) => (e as NodeJS.ErrnoException).code)).to.deep.equal(['EISDIR']);
      expect(spool.activeSegment).to.equal(first);
      // Had the spool closed its descriptor, this file would get its number, and the next write.
      const unrelated = join(dir, 'unrelated');
      const fd = openSync(unrelated, 'w');
      try {
        spool.append(record(2), facts(2), false);
        expect(spool.writeNow()).to.equal(true);
        expect(readFileSync(unrelated).length, 'the unrelated file').to.equal(0);
        expect(decodeRecords(readFileSync(segmentPath(dir, first))).records.map((r) => r.sequence)).to.deep.equal([1, 2]);
      } finally {
        closeSync(fd);
        spool.close();
      }
    });
  });

  describe('sync policies', () => {
    it("'always': every write is fdatasynced before writeNow returns", () => {
      const spy = spyOnFs(['fdatasync', 'fdatasyncSync']);
      const { spool } = openSpool('always');
      try {
        for (let n = 1; n <= 3; n++) {
          const before = spy.calls.fdatasyncSync.length;
          spool.append(record(n), facts(n), false);
          spool.writeNow();
          expect(spy.calls.fdatasyncSync.length, `write ${n}`).to.be.greaterThan(before);
        }
        expect(spy.calls.fdatasync, 'nothing left to a later, asynchronous sync').to.deep.equal([]);
      } finally {
        spool.close();
        spy.restore();
      }
    });

    it("'interval': a write is synced within the interval, off the event loop; a clean spool is not", async () => {
      const spy = spyOnFs(['fdatasync', 'fdatasyncSync']);
      const { spool } = openSpool('interval', 30);
      try {
        spool.append(record(1), facts(1), false);
        spool.writeNow();
        expect(spy.calls.fdatasync.length + spy.calls.fdatasyncSync.length, 'not at the write itself').to.equal(0);
        await until(() => spy.calls.fdatasync.length === 1, 'the interval sync');
        await new Promise((resolve) => setTimeout(resolve, 120)); // four intervals with nothing written
        expect(spy.calls.fdatasync, 'clean: no more syncs').to.have.length(1);
        spool.append(record(2), facts(2), false);
        expect(spool.rotate()).to.not.equal(undefined);
        await until(() => spy.calls.fdatasync.length === 2, 'the closed segment synced');
        expect(spy.calls.fdatasyncSync, 'never blocking, the rotation included').to.deep.equal([]);
      } finally {
        spool.close();
        spy.restore();
      }
    });

    it("'none': never synced, not at rotation, not at close", async () => {
      const spy = spyOnFs(['fdatasync', 'fdatasyncSync']);
      const { spool } = openSpool('none', 10);
      try {
        for (let n = 1; n <= 3; n++) {
          spool.append(record(n), facts(n), false);
          spool.writeNow();
          expect(spool.rotate()).to.not.equal(undefined);
        }
        spool.append(record(4), facts(4), false);
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        spool.close();
        spy.restore();
      }
      expect(spy.calls).to.deep.include({ fdatasync: [], fdatasyncSync: [] });
    });
  });

  describe('a full disk', () => {
    it('is reported, never crashed on: events in memory are still delivered, those only on disk are counted as dropped', async () => {
      let online = false;
      const standIn = new BulkStandIn(() => ({ status: 201 }), () => (online ? undefined : 503));
      const url = await standIn.start();
      const spoolDir = tempDir();
      const transport = new OpenSearchAuditTransport({
        node: url, spoolDir, memoryCapBytes: 64 * 1024, segmentBytes: 16 * 1024, flushIntervalMs: 20, retryBaseDelayMs: 20, retryMaxDelayMs: 50,
      });
      const warnings: TransportWarning[] = [];
      const drops: DropNotice[] = [];
      transport.on('warn', (w: TransportWarning) => warnings.push(w));
      transport.on('dropped', (d: DropNotice) => drops.push(d));
      const logger = winston.createLogger({ transports: [transport] });
      const log = (from: number, to: number) => {
        for (let n = from; n <= to; n++) logger.info('audit', { audit: event(n) });
      };
      try {
        log(1, 10);
        await new Promise((resolve) => setImmediate(resolve));
        // Every next segment is /dev/full: its writes fail with ENOSPC, as on a full disk.
        const active = Math.max(...readdirSync(spoolDir).filter((f) => f.endsWith('.spool')).map((f) => Number(f.slice(8, 20))));
        for (let id = active + 1; id <= active + 100; id++) symlinkSync('/dev/full', segmentPath(spoolDir, id));
        log(11, 300);
        await new Promise((resolve) => setImmediate(resolve));
        online = true;
        await transport.flush();
        const stats = transport.stats();
        expect(warnings.some((w) => w.kind === 'spool' && /ENOSPC/.test(w.message)), 'the full disk reported').to.equal(true);
        expect(stats.dropped, 'events only the failed writes held').to.be.greaterThan(0);
        expect(drops.every((d) => d.reason === 'disk-error')).to.equal(true);
        expect(stats.accepted + stats.dropped).to.equal(300);
        expect(stats).to.include({ delivered: stats.accepted, queued: 0, inFlight: 0 });
        const sent = standIn.requests.flat();
        expect(new Set(sent).size, 'each accepted event delivered').to.equal(stats.accepted);
      } finally {
        await transport.close(0);
        await standIn.stop();
      }
    });
  });
});
