import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../helpers/chai.js';
import { resolveTransportOptions, type AuditTransportOptions } from '../../src/transport/options.js';
import { DeliveryQueue, type QueueListener, type QueuedRecord } from '../../src/transport/queue.js';
import { SpoolFiles } from '../../src/transport/spool-files.js';
import { packRequest, unpin } from '../../src/transport/queue-records.js';

/** Bookkeeping the queue adds to each record's bytes (queue.ts RECORD_OVERHEAD). */
const OVERHEAD = 96;
const KiB = 1024;
const chunk = (id: string, size = KiB) => Buffer.concat([Buffer.from(`${id}\n`), Buffer.alloc(size - id.length - 1, 0x20)]);
const quiet: QueueListener = { damaged: () => undefined, loaded: () => undefined, readFailed: () => undefined };
const idsOf = (records: QueuedRecord[]) => records.map((r) => r.eventId);

describe('the delivery queue (no OpenSearch needed)', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** A queue in memory only (no spool), over options resolved as the transport resolves them. */
  function memoryQueue(overrides: AuditTransportOptions = {}) {
    const options = resolveTransportOptions({ node: 'http://127.0.0.1:9', memoryCapBytes: 64 * KiB, ...overrides });
    const queue = new DeliveryQueue(options, undefined, quiet);
    let sequence = 0;
    const push = (id: string, size = KiB, acceptedAt = 1000) => queue.push(chunk(id, size), { acceptedAt, sequence: ++sequence, eventId: id });
    return { queue, push };
  }

  describe('push and hand-out', () => {
    it('hands records out in push order, with their facts, within the count and byte limits', () => {
      const { queue, push } = memoryQueue();
      for (const id of ['a', 'b', 'c', 'd', 'e']) expect(push(id)).to.equal('memory');
      expect(queue).to.include({ outstanding: 5, readyCount: 5, readyBytes: 5 * KiB, memoryBytes: 5 * (KiB + OVERHEAD), inFlight: 0 });
      const first = queue.take(2, 100 * KiB, 0);
      expect(idsOf(first)).to.deep.equal(['a', 'b']);
      expect(first.map((r) => r.sequence)).to.deep.equal([1, 2]);
      expect(idsOf(queue.take(100, 2.5 * KiB, 0)), 'byte limit').to.deep.equal(['c', 'd']);
      expect(idsOf(queue.take(100, 1, 0)), 'the first record always fits').to.deep.equal(['e']);
      expect(queue).to.include({ outstanding: 5, readyCount: 0, readyBytes: 0, inFlight: 5 });
      expect(queue.take(100, 100 * KiB, 0)).to.deep.equal([]);
    });

    it('frees memory as records are settled (delivered or dead-lettered)', () => {
      const { queue, push } = memoryQueue();
      push('a', 2 * KiB, 500);
      push('b', KiB, 700);
      expect(queue.oldestAcceptedAt()).to.equal(500);
      const [a, b] = queue.take(100, 100 * KiB, 0);
      queue.settle(a!);
      expect(queue).to.include({ outstanding: 1, inFlight: 1, memoryBytes: KiB + OVERHEAD });
      queue.settle(b!);
      expect(queue).to.include({ outstanding: 0, inFlight: 0, memoryBytes: 0 });
      expect(queue.oldestAcceptedAt()).to.equal(undefined);
    });
  });

  describe('a request body', () => {
    it('is made of its records’ bytes (each record then a view of it: held once), and a record kept after the rest gets its own copy', () => {
      const { queue, push } = memoryQueue();
      // 8 KiB each: above Node's pooled size, so each buffer is its own (no shared pool slab).
      push('a', 8 * KiB);
      push('b', 8 * KiB);
      const batch = queue.take(100, 100 * KiB, 0);
      const originals = batch.map((r) => Buffer.from(r.body));
      const request = packRequest(batch);
      expect(request.equals(Buffer.concat(originals))).to.equal(true);
      expect(batch.map((r) => r.body.buffer === request.buffer), 'views of the request').to.deep.equal([true, true]);
      expect(queue.memoryBytes, 'counted once').to.equal(2 * (8 * KiB + OVERHEAD));
      queue.settle(batch[0]!);
      unpin(batch[1]!);
      expect(batch[1]!.body.buffer === request.buffer, 'its own copy').to.equal(false);
      expect(batch[1]!.body.equals(originals[1]!)).to.equal(true);
    });
  });

  describe('retries and requeueing', () => {
    it('a retried record waits until due, then goes out before fresh records', () => {
      const { queue, push } = memoryQueue();
      push('a');
      push('b');
      const [a, b] = queue.take(100, 100 * KiB, 0);
      queue.settle(b!);
      queue.retry(a!, 100, 1000);
      expect(queue).to.include({ retrying: 1, nextDue: 1100, inFlight: 0, outstanding: 1 });
      expect(a!.attempts).to.equal(1);
      push('c');
      expect(idsOf(queue.take(100, 100 * KiB, 1050)), 'not due yet').to.deep.equal(['c']);
      push('d');
      expect(idsOf(queue.take(100, 100 * KiB, 1100))).to.deep.equal(['a', 'd']);
      expect(queue.retrying).to.equal(0);
    });

    it('requeued records (a split batch) are due at once, in the order given, before fresh ones', () => {
      const { queue, push } = memoryQueue();
      for (const id of ['a', 'b', 'c']) push(id);
      const batch = queue.take(100, 100 * KiB, 0);
      push('d');
      queue.requeue(batch);
      expect(queue.inFlight).to.equal(0);
      expect(idsOf(queue.take(2, 100 * KiB, 0))).to.deep.equal(['a', 'b']);
      expect(idsOf(queue.take(100, 100 * KiB, 0))).to.deep.equal(['c', 'd']);
      expect(batch.map((r) => r.attempts), 'a split is not an attempt').to.deep.equal([0, 0, 0]);
    });
  });

  describe('the memory cap and the overflow policies', () => {
    it('drop-newest: past the cap a new record is refused and memory stays under it', () => {
      const { queue, push } = memoryQueue({ overflow: 'drop-newest' });
      const results = Array.from({ length: 80 }, (_, i) => push(`e${i}`));
      const kept = results.filter((r) => r === 'memory').length;
      expect(kept).to.equal(Math.floor((64 * KiB) / (KiB + OVERHEAD)));
      expect(results.slice(kept).every((r) => r === 'dropped-memory')).to.equal(true);
      expect(queue.memoryBytes).to.be.at.most(64 * KiB);
      expect(queue.outstanding).to.equal(kept);
    });

    it('block: past the cap records are still taken, and the queue says it is full (the transport holds winston back)', () => {
      const { queue, push } = memoryQueue({ overflow: 'block' });
      while (!queue.full) expect(push(`e${queue.outstanding}`)).to.equal('memory');
      expect(push('one-more')).to.equal('memory');
      const handed = queue.take(100, 1024 * KiB, 0);
      handed.forEach((r) => queue.settle(r));
      expect(queue.full).to.equal(false);
    });

    it('a full spool (maxSpoolBytes) refuses new records, whatever the memory', () => {
      const spoolDir = mkdtempSync(join(tmpdir(), 'audit-queue-'));
      dirs.push(spoolDir);
      const options = resolveTransportOptions({ node: 'http://127.0.0.1:9', spoolDir, memoryCapBytes: 1024 * KiB, maxSpoolBytes: 64 * KiB });
      const spool = new SpoolFiles(spoolDir, options.sync, options.syncIntervalMs, { writeFailed: (error) => expect.fail(error.message) }, 'queue-test');
      const queue = new DeliveryQueue(options, spool, quiet);
      const results = Array.from({ length: 80 }, (_, i) => queue.push(chunk(`e${i}`), { acceptedAt: 1000, sequence: i + 1, eventId: `e${i}` }));
      const kept = results.filter((r) => r === 'memory').length;
      expect(kept).to.be.within(50, 63);
      expect(results.slice(kept).every((r) => r === 'dropped-spool')).to.equal(true);
      expect(spool.totalBytes).to.be.at.most(64 * KiB);
      spool.close();
    });

    it('spool: past the cap records go to disk only and come back in push order after those in memory', async () => {
      const spoolDir = mkdtempSync(join(tmpdir(), 'audit-queue-'));
      dirs.push(spoolDir);
      const options = resolveTransportOptions({ node: 'http://127.0.0.1:9', spoolDir, memoryCapBytes: 64 * KiB, segmentBytes: 16 * KiB });
      const spool = new SpoolFiles(spoolDir, options.sync, options.syncIntervalMs, { writeFailed: (error) => expect.fail(error.message) }, 'queue-test');
      let loaded: () => void = () => undefined;
      const queue = new DeliveryQueue(options, spool, { ...quiet, loaded: () => loaded() });
      const pushed = Array.from({ length: 100 }, (_, i) => `e${i}`);
      const results = pushed.map((id, i) => queue.push(chunk(id), { acceptedAt: 1000, sequence: i + 1, eventId: id }));
      const inMemory = results.filter((r) => r === 'memory').length;
      expect(results.slice(inMemory).every((r) => r === 'spooled'), 'everything past the cap spooled').to.equal(true);
      expect(queue.memoryBytes).to.be.at.most(64 * KiB);
      spool.writeNow();
      const handedOut: QueuedRecord[] = [];
      while (queue.outstanding > 0) {
        const batch = queue.take(10, 100 * KiB, 0);
        if (batch.length === 0) {
          await new Promise<void>((resolve) => (loaded = resolve)); // a cold segment is being read back
          continue;
        }
        handedOut.push(...batch);
        batch.forEach((r) => queue.settle(r));
        expect(queue.memoryBytes).to.be.at.most(64 * KiB);
      }
      expect(idsOf(handedOut)).to.deep.equal(pushed);
      expect(handedOut.map((r) => r.sequence)).to.deep.equal(pushed.map((_, i) => i + 1));
      queue.finish();
      spool.close();
    });
  });
});
