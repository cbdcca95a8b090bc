import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { ConfigurationError } from '../../src/model/errors.js';
import { decodeRecords, encodeHeader } from '../../src/transport/record-codec.js';
import { backoffDelay } from '../../src/transport/bulk.js';
import { OpenSearchAuditTransport, type DropNotice } from '../../src/transport/audit-transport.js';

/** Nothing listens on port 9: every request fails, so events stay queued. */
const OFFLINE = 'http://127.0.0.1:9';
const event = (n: number) => {
  const { id: _generated, ...e } = sampleEvent({ resource: { type: 'workspace', id: `ws-${n}` } });
  return e;
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
      return Buffer.concat([encodeHeader(payload, at), payload]);
    };

    it('round-trips records with their accept time', () => {
      const result = decodeRecords(Buffer.concat([record('a\n', 1), record('bb\n', 2)]));
      expect(result.records.map((r) => [r.payload.toString(), r.acceptedAt])).to.deep.equal([['a\n', 1], ['bb\n', 2]]);
      expect(result).to.include({ skippedBytes: 0, damaged: 0 });
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
    it('grows exponentially with jitter and stays under the cap', () => {
      for (let attempt = 1; attempt < 40; attempt++) {
        const delay = backoffDelay(attempt, 100, 5000);
        expect(delay).to.be.at.least(50).and.at.most(Math.min(5000, 100 * 2 ** (attempt - 1)));
      }
    });
  });

  describe('options that need a spool', () => {
    it('overflow "spool" without spoolDir is a ConfigurationError', () => {
      expect(() => new OpenSearchAuditTransport({ node: OFFLINE, overflow: 'spool' })).to.throw(ConfigurationError, /spoolDir/).with.property('option', 'overflow');
    });

    it('a spool directory is owned by one transport at a time', async () => {
      const spoolDir = tempDir();
      const first = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir });
      expect(() => new OpenSearchAuditTransport({ node: OFFLINE, spoolDir })).to.throw(ConfigurationError, /in use by process/).with.property('option', 'spoolDir');
      await first.close(0);
      const again = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir });
      expect(again.producerId, 'the producer id is kept in the spool').to.equal(first.producerId);
      await again.close(0);
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
});
