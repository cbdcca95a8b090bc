import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import winston from 'winston';
import { v7 as uuidv7 } from 'uuid';
import { expect } from '../helpers/chai.js';
import { BulkStandIn } from '../helpers/bulk-stand-in.js';
import { sampleEvent } from '../helpers/events.js';
import { OpenSearchAuditTransport, type DropNotice, type TransportWarning } from '../../src/transport/audit-transport.js';
import type { AuditTransportOptions } from '../../src/transport/options.js';
import type { DeadLetterRecord } from '../../src/transport/dead-letter.js';
import { LIMITS } from '../../src/model/limits.js';

const KiB = 1024;
const created = () => ({ status: 201 });

/** Rejects when `promise` has not settled within `ms` (a hang is a failure, not a suite timeout). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

describe('taking events: what becomes of each one (loopback _bulk stand-in, no OpenSearch needed)', () => {
  const dirs: string[] = [];
  const standIns: BulkStandIn[] = [];
  after(async () => {
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
    await Promise.all(standIns.map((s) => s.stop()));
  });
  const spoolDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'intake-'));
    dirs.push(dir);
    return dir;
  };
  async function standIn(plan = created, requestPlan?: (ids: string[]) => number | undefined): Promise<{ stand: BulkStandIn; url: string }> {
    const stand = new BulkStandIn(plan, requestPlan);
    standIns.push(stand);
    return { stand, url: await stand.start() };
  }
  function open(options: AuditTransportOptions) {
    const transport = new OpenSearchAuditTransport({ flushIntervalMs: 20, retryBaseDelayMs: 10, retryMaxDelayMs: 50, closeTimeoutMs: 2000, ...options });
    const warnings: TransportWarning[] = [];
    const drops: DropNotice[] = [];
    transport.on('warn', (w: TransportWarning) => warnings.push(w));
    transport.on('dropped', (d: DropNotice) => drops.push(d));
    const logger = winston.createLogger({ transports: [transport] });
    return { transport, logger, warnings, drops };
  }

  describe('an event that can never fit', () => {
    it('refuses winston metadata over the limit as invalid, saying so, and the rest flows on (cap 1 MiB, 2 MiB of metadata)', async () => {
      const { stand, url } = await standIn();
      const dir = spoolDir();
      const { transport, logger, warnings } = open({ node: url, spoolDir: dir, memoryCapBytes: 1024 * KiB });
      const ids = [uuidv7(), uuidv7(), uuidv7(), uuidv7(), uuidv7()];
      ids.forEach((id, i) => logger.info('audit', { audit: sampleEvent({ id }), ...(i === 2 ? { blob: 'x'.repeat(2 * 1024 * KiB) } : {}) }));
      await within(transport.flush(), 10_000, 'flush()');
      expect(transport.stats()).to.include({ accepted: 4, delivered: 4, invalid: 1, queued: 0 });
      expect(warnings.find((w) => w.kind === 'invalid')).to.include({ eventId: ids[2] });
      expect(warnings.find((w) => w.kind === 'invalid')?.message).to.match(new RegExp(`metadata: must serialise to at most ${LIMITS.metadataBytes} bytes of JSON, got \\d+`));
      expect(await within(transport.close(), 5000, 'close()')).to.equal(0);
      const sent = stand.requests.flat().length;
      const again = open({ node: url, spoolDir: dir });
      await within(again.transport.flush(), 5000, 'flush() after restart');
      expect(stand.requests.flat().length, 'nothing replayed at the next start').to.equal(sent);
      await again.transport.close();
    });

    it('dead-letters an event too big for the memory cap, with the reason, its producer and sequence, instead of holding it for good', async () => {
      const { stand, url } = await standIn();
      const dir = spoolDir();
      const { transport, logger, warnings } = open({ node: url, spoolDir: dir, memoryCapBytes: 64 * KiB, producerId: 'big-one' });
      const big = uuidv7();
      logger.info('audit', { audit: sampleEvent({ id: uuidv7() }) });
      logger.info('audit', { audit: sampleEvent({ id: big, details: { a: 'd'.repeat(60 * KiB) }, diff: { b: { new: 'n'.repeat(60 * KiB) } } }) });
      logger.info('audit', { audit: sampleEvent({ id: uuidv7() }) });
      await within(transport.flush(), 10_000, 'flush()');
      expect(transport.stats()).to.include({ accepted: 2, delivered: 2, deadLettered: 1, queued: 0, lastSequence: 3 });
      expect(stand.requests.flat()).to.not.include(big);
      const letters = readFileSync(join(dir, 'dead-letter.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DeadLetterRecord);
      expect(letters).to.have.length(1);
      expect(letters[0]).to.include({ event_id: big, producer: 'big-one', sequence: 2, status: 413 });
      expect(letters[0]!.reason).to.match(/can never be held in memory \(memoryCapBytes 65536 less segmentBytes 16384\)/);
      expect(warnings.some((w) => w.kind === 'dead-letter' && w.eventId === big)).to.equal(true);
      await transport.close();
    });
  });

  describe('a known gap for every event numbered and not delivered', () => {
    it('numbers an event before the overflow policy: drop-newest leaves gaps its drop notices name (producer and sequence)', async () => {
      // Nothing listens: every event waits in memory until the 64 KiB cap, then drop-newest drops.
      const { transport, logger, drops } = open({ node: 'http://127.0.0.1:9', memoryCapBytes: 64 * KiB, overflow: 'drop-newest', producerId: 'gappy', closeTimeoutMs: 0 });
      for (let i = 0; i < 200; i++) logger.info('audit', { audit: sampleEvent({ id: uuidv7() }) });
      const stats = transport.stats();
      expect(stats.dropped).to.be.greaterThan(0);
      expect(stats.accepted + stats.dropped).to.equal(200);
      expect(stats.lastSequence, 'the last event was numbered too, though dropped').to.equal(200);
      expect(drops.every((d) => d.producer === 'gappy' && d.reason === 'memory-cap' && d.count === 1)).to.equal(true);
      const dropped = drops.map((d) => d.sequence);
      expect(dropped).to.deep.equal(Array.from({ length: stats.dropped }, (_, i) => stats.accepted + 1 + i));
      await transport.close();
    });

    it('keeps a dropped number used: after a restart on the spool the sequence goes on past it', async () => {
      const dir = spoolDir();
      const first = open({ node: 'http://127.0.0.1:9', spoolDir: dir, memoryCapBytes: 64 * KiB, overflow: 'drop-newest', closeTimeoutMs: 0 });
      for (let i = 0; i < 200; i++) first.logger.info('audit', { audit: sampleEvent({ id: uuidv7() }) });
      expect(first.drops.at(-1)?.sequence).to.equal(200);
      await first.transport.close();
      const second = open({ node: 'http://127.0.0.1:9', spoolDir: dir, closeTimeoutMs: 0 });
      expect(second.transport.stats().lastSequence).to.equal(200);
      await second.transport.close();
    });
  });

  describe('an event lost to shaping is counted and said', () => {
    it('counts an event whose redact hook throws as dropped, with its number and the hook’s error', async () => {
      const { stand, url } = await standIn();
      let calls = 0;
      const redact: AuditTransportOptions['redact'] = (doc) => {
        if (++calls === 2) throw new Error('boom in the hook');
        return doc;
      };
      const { transport, logger, warnings, drops } = open({ node: url, redact, producerId: 'hooked' });
      for (let i = 0; i < 3; i++) logger.info('audit', { audit: sampleEvent({ id: uuidv7() }) });
      await within(transport.flush(), 5000, 'flush()');
      expect(transport.stats()).to.include({ accepted: 2, delivered: 2, dropped: 1, lastSequence: 3 });
      expect(drops).to.deep.equal([{ reason: 'redact-failed', count: 1, producer: 'hooked', sequence: 2, eventId: drops[0]?.eventId }]);
      expect(warnings.find((w) => w.kind === 'dropped')?.message).to.match(/the redact hook threw: boom in the hook/);
      expect(stand.requests.flat()).to.have.length(2);
      await transport.close();
    });

    it('refuses circular or BigInt metadata as invalid, naming where and why', async () => {
      const { url } = await standIn();
      const { transport, logger, warnings } = open({ node: url });
      const loop: Record<string, unknown> = { name: 'loop' };
      loop.self = loop;
      logger.info('audit', { audit: sampleEvent({ id: uuidv7() }), ctx: loop });
      logger.info('audit', { audit: sampleEvent({ id: uuidv7() }), ctx: { big: 12n } });
      await within(transport.flush(), 5000, 'flush()');
      expect(transport.stats()).to.include({ accepted: 0, invalid: 2 });
      const messages = warnings.filter((w) => w.kind === 'invalid').map((w) => w.message);
      expect(messages[0]).to.equal('invalid audit event: metadata: must be JSON, but "ctx.self" refers back to an object that contains it (a circular reference), which JSON cannot hold');
      expect(messages[1]).to.equal('invalid audit event: metadata: must be JSON, but "ctx.big" is a BigInt (12n), which JSON cannot hold: convert it to a string or a number');
      await transport.close();
    });
  });

  describe('the order of events when the transport holds writes back', () => {
    it('sends events in the order taken, and stays within the block policy’s memory cap', async () => {
      let failing = 3;
      const { stand, url } = await standIn(created, () => (failing-- > 0 ? 503 : undefined));
      const { transport, logger } = open({ node: url, overflow: 'block', memoryCapBytes: 64 * KiB, batchSize: 50 });
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, transport.stats().memoryBytes)), 1);
      const ids = Array.from({ length: 400 }, () => uuidv7());
      for (const id of ids) logger.info('audit', { audit: sampleEvent({ id }) });
      await within(transport.flush(), 20_000, 'flush()');
      await sleep(10);
      clearInterval(sampler);
      const sequenceOf = (id: string) => (stand.documents.get(id) as { event: { sequence: number } }).event.sequence;
      expect(ids.map(sequenceOf)).to.deep.equal(ids.map((_, i) => i + 1));
      // Queued events and the request bodies in flight together stay within one event of the cap.
      expect(peak, 'queued and in-flight events at most one event over the cap').to.be.at.most(64 * KiB + 2 * KiB);
      expect(peak, 'the cap was reached (else this bounds nothing)').to.be.at.least(64 * KiB);
      await transport.close();
    });
  });
});
