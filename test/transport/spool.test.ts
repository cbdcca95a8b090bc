import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { ConfigurationError } from '../../src/model/errors.js';
import { crc32 } from 'node:zlib';
import { decodeRecords, encodeHeader } from '../../src/transport/record-codec.js';
import { bulkChunkEncoder } from '../../src/transport/bulk-line.js';
import { toEcsDocument } from '../../src/model/ecs-document.js';
import { validateEvent } from '../../src/model/event.js';
import { backoffCeiling, backoffDelay } from '../../src/transport/bulk.js';
import { OpenSearchAuditTransport, type DropNotice, type TransportWarning } from '../../src/transport/audit-transport.js';

/** Nothing listens on port 9: every request fails, so events stay queued. */
const OFFLINE = 'http://127.0.0.1:9';
const event = (n: number) => {
  const { id: _generated, ...e } = sampleEvent({ resource: { type: 'workspace', id: `ws-${n}` } });
  return e;
};

const encode = bulkChunkEncoder('logs-audit_trail.events-default');
const sampleDocument = (sequence: number) => toEcsDocument(validateEvent(event(sequence)), { sequence, producer: 'p-1' });

/** A record as the first spool format wrote it: magic ATS1, length, CRC32 (accept time + payload), accept time. */
const legacyRecord = (payload: Buffer, at: number) => {
  const header = Buffer.alloc(20);
  header.write('ATS1', 0);
  header.writeUInt32BE(payload.length, 4);
  header.writeDoubleBE(at, 12);
  header.writeUInt32BE(crc32(payload, crc32(header.subarray(12, 20))), 8);
  return Buffer.concat([header, payload]);
};

describe('transport spool and overflow (no OpenSearch needed)', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-unit-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  describe('spool record framing', () => {
    const record = (text: string, at: number) => {
      const payload = Buffer.from(text);
      return Buffer.concat([encodeHeader(payload, { acceptedAt: at, sequence: at, eventId: `id-${at}` }), payload]);
    };

    it('round-trips records with their accept time', () => {
      const result = decodeRecords(Buffer.concat([record('a\n', 1), record('bb\n', 2)]));
      expect(result.records.map((r) => [r.payload.toString(), r.acceptedAt])).to.deep.equal([['a\n', 1], ['bb\n', 2]]);
      expect(result).to.include({ skippedBytes: 0, damaged: 0 });
    });

    it('carries the sequence, chain link and event id in the header, so reading back parses no document', () => {
      const chunk = encode(sampleDocument(41));
      const link = 'ab'.repeat(32);
      const spooled = Buffer.concat([encodeHeader(chunk.body, { acceptedAt: 7, sequence: 41, eventId: chunk.eventId, link }), chunk.body]);
      expect(decodeRecords(spooled).records).to.deep.equal([{ payload: chunk.body, acceptedAt: 7, sequence: 41, eventId: chunk.eventId, link }]);
      const notJson = Buffer.from('not a bulk chunk\n');
      const opaque = Buffer.concat([encodeHeader(notJson, { acceptedAt: 8, sequence: 42, eventId: 'e-42' }), notJson]);
      expect(decodeRecords(opaque).records[0]).to.include({ sequence: 42, eventId: 'e-42', link: '' });
    });

    it('still reads records of the second format (no link in the header)', () => {
      const payload = Buffer.from('chunk\n');
      const id = Buffer.from('e-7');
      const header = Buffer.alloc(30 + id.length);
      header.write('ATS2', 0);
      header.writeUInt32BE(payload.length, 4);
      header.writeDoubleBE(5, 12);
      header.writeBigUInt64BE(7n, 20);
      header.writeUInt16BE(id.length, 28);
      id.copy(header, 30);
      header.writeUInt32BE(crc32(payload, crc32(header.subarray(12))), 8);
      expect(decodeRecords(Buffer.concat([header, payload])).records).to.deep.equal([{ payload, acceptedAt: 5, sequence: 7, eventId: 'e-7', link: '' }]);
    });

    it('still reads records of the first format, taking sequence and id from the chunk (not from caller metadata)', () => {
      const old = encode({ ...sampleDocument(5), sequence: 1e19, labels: { sequence: 6 } });
      const result = decodeRecords(Buffer.concat([legacyRecord(old.body, 3), record('new\n', 6)]));
      expect(result.records.map(({ sequence, eventId, acceptedAt }) => ({ sequence, eventId, acceptedAt }))).to.deep.equal([
        { sequence: 5, eventId: old.eventId, acceptedAt: 3 },
        { sequence: 6, eventId: 'id-6', acceptedAt: 6 },
      ]);
      expect(result.records[0]!.payload.equals(old.body)).to.equal(true);
      expect(result).to.include({ skippedBytes: 0, damaged: 0 });
    });

    it('refuses to frame a sequence that is not a safe whole number', () => {
      expect(() => encodeHeader(Buffer.from('x'), { acceptedAt: 1, sequence: 1e19, eventId: 'e' })).to.throw(RangeError);
    });

    it('skips a record whose bytes changed and a torn tail, keeping the rest', () => {
      const middle = record('damaged\n', 2);
      middle[middle.length - 2] = middle[middle.length - 2]! ^ 0xff;
      const tail = record('torn\n', 4).subarray(0, 10);
      const result = decodeRecords(Buffer.concat([record('first\n', 1), middle, record('third\n', 3), tail]));
      expect(result.records.map((r) => r.payload.toString())).to.deep.equal(['first\n', 'third\n']);
      expect(result.damaged).to.equal(2);
      expect(result.skippedBytes).to.equal(middle.length + tail.length);
    });
  });

  describe('backoff', () => {
    const samples = (attempt: number) => Array.from({ length: 2000 }, () => backoffDelay(attempt, 100, 5000));

    it('full jitter: each delay is drawn from [0, ceiling), down to near zero', () => {
      for (let attempt = 1; attempt <= 8; attempt++) {
        const ceiling = backoffCeiling(attempt, 100, 5000);
        const delays = samples(attempt);
        expect(Math.min(...delays), `attempt ${attempt}: no floor`).to.be.below(ceiling * 0.05);
        expect(Math.max(...delays), `attempt ${attempt}: up to the ceiling`).to.be.within(ceiling * 0.95, ceiling);
        const below = delays.filter((d) => d < ceiling / 2).length;
        expect(below, `attempt ${attempt}: uniform, half below the middle`).to.be.within(800, 1200);
      }
    });

    it('the ceiling doubles each attempt from the base, up to the cap', () => {
      expect(Array.from({ length: 8 }, (_, i) => backoffCeiling(i + 1, 100, 5000))).to.deep.equal([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
      expect(backoffCeiling(1000, 100, 5000)).to.equal(5000);
    });
  });

  describe('options that need a spool', () => {
    it('overflow "spool" without spoolDir is a ConfigurationError', () => {
      expect(() => new OpenSearchAuditTransport({ node: OFFLINE, overflow: 'spool' })).to.throw(ConfigurationError, /spoolDir/).with.property('option', 'overflow');
    });

    it('a spool directory is owned by one transport at a time', async () => {
      const spoolDir = tempDir();
      const first = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir });
      expect(() => new OpenSearchAuditTransport({ node: OFFLINE, spoolDir })).to.throw(ConfigurationError, /in use by another transport of this process/).with.property('option', 'spoolDir');
      await first.close(0);
      const again = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir });
      expect(again.producerId, 'the producer id is kept in the spool').to.equal(first.producerId);
      await again.close(0);
    });
  });

  describe('the sequence restored at start', () => {
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    /** Logs `events` (each with its extra winston metadata) on a fresh transport over `spoolDir`, then closes it offline. */
    async function runOffline(spoolDir: string, metas: Record<string, unknown>[]): Promise<void> {
      const transport = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir, retryBaseDelayMs: 1000 });
      transport.on('warn', () => undefined);
      const logger = winston.createLogger({ transports: [transport] });
      metas.forEach((meta, i) => logger.info('audit', { audit: event(i + 1), ...meta }));
      await tick();
      expect(transport.stats().lastSequence).to.equal(metas.length);
      expect(await transport.close(0), 'left in the spool').to.equal(metas.length);
    }
    /** Reopens the spool, logs one more event and returns the sequence it was stamped with. */
    async function nextSequence(spoolDir: string): Promise<{ restored: number; stamped: (number | undefined)[]; spoolWarnings: string[] }> {
      const stamped: (number | undefined)[] = [];
      const spoolWarnings: string[] = [];
      const transport = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir, retryBaseDelayMs: 1000, redact: (doc) => (stamped.push(doc.event.sequence), doc) });
      transport.on('warn', (w: TransportWarning) => (w.kind === 'spool' ? spoolWarnings.push(w.message) : undefined));
      const restored = transport.stats().lastSequence;
      winston.createLogger({ transports: [transport] }).info('audit', { audit: event(99) });
      await tick();
      await transport.close(0);
      return { restored, stamped, spoolWarnings };
    }

    for (const sequence of [1e19, 1e20]) {
      it(`caller metadata holding a top-level sequence (${sequence}) does not move it`, async () => {
        const spoolDir = tempDir();
        await runOffline(spoolDir, [{}, { sequence }]);
        expect(await nextSequence(spoolDir)).to.deep.equal({ restored: 2, stamped: [3], spoolWarnings: [] });
      });
    }

    it('an old-format segment left by the previous version is replayed, and its sequence continued', async () => {
      const spoolDir = tempDir();
      writeFileSync(join(spoolDir, 'producer.json'), JSON.stringify({ producerId: 'old-producer' }) + '\n');
      const persisted = Buffer.alloc(8);
      persisted.writeBigUInt64BE(2n);
      writeFileSync(join(spoolDir, 'sequence'), persisted); // one write behind the segment
      const old = [1, 2, 3].map((n) => legacyRecord(encode(sampleDocument(n)).body, n));
      writeFileSync(join(spoolDir, 'segment-000000000001.spool'), Buffer.concat(old));
      const transport = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir, retryBaseDelayMs: 1000 });
      transport.on('warn', () => undefined);
      expect(transport.stats()).to.include({ lastSequence: 3, corruptBytes: 0 });
      expect(await transport.close(0), 'the old events are still there to send').to.equal(3);
      expect(await nextSequence(spoolDir)).to.deep.equal({ restored: 3, stamped: [4], spoolWarnings: [] });
    });

    it('comes from the last record when the sequence file is one write behind', async () => {
      const spoolDir = tempDir();
      await runOffline(spoolDir, [{}, {}, { labels: { sequence: 5 } }]);
      writeFileSync(join(spoolDir, 'sequence'), Buffer.alloc(8)); // as if killed between the segment write and the sequence write
      expect(await nextSequence(spoolDir)).to.deep.equal({ restored: 3, stamped: [4], spoolWarnings: [] });
    });
  });

  describe('memory cap', () => {
    it('drop-newest: memory stays under the cap, drops are counted and reported', async () => {
      const transport = new OpenSearchAuditTransport({ node: OFFLINE, memoryCapBytes: 64 * 1024, overflow: 'drop-newest', retryBaseDelayMs: 1000 });
      const drops: DropNotice[] = [];
      transport.on('dropped', (d: DropNotice) => drops.push(d));
      transport.on('warn', () => undefined);
      const logger = winston.createLogger({ transports: [transport] });
      for (let n = 1; n <= 500; n++) logger.info('audit', { audit: event(n) });
      const stats = transport.stats();
      expect(stats.memoryBytes).to.be.at.most(64 * 1024);
      expect(stats.accepted + stats.dropped).to.equal(500);
      expect(stats.dropped).to.be.greaterThan(0);
      expect(drops.length).to.equal(stats.dropped);
      expect(drops[0]).to.include({ reason: 'memory-cap', count: 1 });
      expect(await transport.close(0)).to.equal(stats.accepted);
    });

    it('spool: past the cap events go to disk, none dropped, memory stays under the cap', async () => {
      const transport = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir: tempDir(), memoryCapBytes: 64 * 1024, segmentBytes: 16 * 1024, retryBaseDelayMs: 1000 });
      transport.on('warn', () => undefined);
      const logger = winston.createLogger({ transports: [transport] });
      for (let n = 1; n <= 500; n++) logger.info('audit', { audit: event(n) });
      await new Promise((resolve) => setImmediate(resolve));
      const stats = transport.stats();
      expect(stats).to.include({ accepted: 500, dropped: 0, lastSequence: 500 });
      expect(stats.memoryBytes).to.be.at.most(64 * 1024);
      expect(stats.spooledBytes).to.be.greaterThan(500 * 700);
      expect(stats.oldestUndeliveredAgeMs).to.be.at.least(0);
      expect(await transport.close(0)).to.equal(500);
    });

    it('a full spool: past maxSpoolBytes new events are dropped, counted and reported', async () => {
      const maxSpoolBytes = 64 * 1024;
      const transport = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir: tempDir(), memoryCapBytes: 256 * 1024, maxSpoolBytes, retryBaseDelayMs: 1000 });
      const drops: DropNotice[] = [];
      transport.on('dropped', (d: DropNotice) => drops.push(d));
      const warnings: TransportWarning[] = [];
      transport.on('warn', (w: TransportWarning) => warnings.push(w));
      const logger = winston.createLogger({ transports: [transport] });
      for (let n = 1; n <= 300; n++) logger.info('audit', { audit: event(n) });
      await new Promise((resolve) => setImmediate(resolve));
      const stats = transport.stats();
      expect(stats.accepted + stats.dropped).to.equal(300);
      expect(stats.accepted).to.be.greaterThan(0);
      expect(stats.spooledBytes).to.be.within(maxSpoolBytes - 2048, maxSpoolBytes);
      expect(drops).to.have.length(stats.dropped);
      expect(drops.every((d) => d.reason === 'spool-full' && d.count === 1)).to.equal(true);
      expect(warnings.filter((w) => w.kind === 'dropped' && /spool full \(maxSpoolBytes 65536\)/.test(w.message))).to.have.length(stats.dropped);
      expect(await transport.close(0)).to.equal(stats.accepted);
    });

    it('block: waitForCapacity waits while memory is full', async () => {
      const transport = new OpenSearchAuditTransport({ node: OFFLINE, memoryCapBytes: 64 * 1024, overflow: 'block', retryBaseDelayMs: 1000 });
      transport.on('warn', () => undefined);
      const logger = winston.createLogger({ transports: [transport] });
      for (let n = 1; n <= 500; n++) logger.info('audit', { audit: event(n) });
      await new Promise((resolve) => setImmediate(resolve));
      const stats = transport.stats();
      expect(stats.dropped).to.equal(0);
      expect(stats.accepted, 'winston holds the rest back').to.be.below(500);
      let waited = false;
      const waiting = transport.waitForCapacity().then(() => (waited = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(waited).to.equal(false);
      await transport.close(0);
      await waiting;
      expect(waited, 'close releases the waiters').to.equal(true);
    });
  });

  describe('shutdown', () => {
    it('closing with events undelivered reports how many and where they are', async () => {
      for (const spoolDir of [tempDir(), undefined]) {
        const transport = new OpenSearchAuditTransport({ node: OFFLINE, retryBaseDelayMs: 1000, ...(spoolDir ? { spoolDir } : {}) });
        const warnings: TransportWarning[] = [];
        transport.on('warn', (w: TransportWarning) => warnings.push(w));
        const logger = winston.createLogger({ transports: [transport] });
        for (let n = 1; n <= 5; n++) logger.info('audit', { audit: event(n) });
        expect(await transport.close(50)).to.equal(5);
        const where = spoolDir ? `they stay in ${spoolDir} and are sent on the next start` : 'they are lost (no spoolDir)';
        expect(warnings.filter((w) => w.kind === 'shutdown').map((w) => w.message)).to.deep.equal([`closed after 50 ms with 5 events undelivered: ${where}`]);
      }
    });
  });
});
