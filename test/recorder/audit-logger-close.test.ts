import { v7 as uuidv7 } from 'uuid';
import { expect } from '../helpers/chai.js';
import { BulkStandIn } from '../helpers/bulk-stand-in.js';
import { sampleEvent } from '../helpers/events.js';
import { createAuditLogger } from '../../src/recorder/audit-logger.js';
import type { DropNotice } from '../../src/transport/reports.js';

describe('createAuditLogger: closing and the direct path into the transport (loopback _bulk stand-in)', () => {
  const standIns: BulkStandIn[] = [];
  after(() => Promise.all(standIns.map((s) => s.stop())));
  async function standIn(requestPlan?: (ids: string[]) => number | undefined) {
    const stand = new BulkStandIn(() => ({ status: 201 }), requestPlan);
    standIns.push(stand);
    return { stand, url: await stand.start() };
  }

  describe('close()', () => {
    it('resolves to the number of events left undelivered when the deadline passes', async () => {
      const audit = createAuditLogger({ node: 'http://127.0.0.1:9', closeTimeoutMs: 100, onWarning: () => undefined });
      audit.record(sampleEvent({ id: uuidv7() }));
      audit.record(sampleEvent({ id: uuidv7() }));
      expect(await audit.close()).to.equal(2);
    });

    it('resolves to 0 once everything queued is written, and counts what is recorded afterwards as dropped', async () => {
      const { stand, url } = await standIn();
      const audit = createAuditLogger({ node: url, onWarning: () => undefined });
      const drops: DropNotice[] = [];
      audit.transport.on('dropped', (d: DropNotice) => drops.push(d));
      const id = audit.record(sampleEvent({ id: uuidv7() }));
      expect(await audit.close()).to.equal(0);
      expect(stand.requests.flat()).to.deep.equal([id]);
      audit.record(sampleEvent({ id: uuidv7() }));
      expect(drops.map((d) => d.reason)).to.deep.equal(['closed']);
      expect(audit.stats()).to.include({ accepted: 1, delivered: 1, dropped: 1 });
    });
  });

  describe('record() without winston’s pipeline', () => {
    it('keeps the order events were recorded in, through retries and the block policy, and its memory cap', async () => {
      let failing = 3;
      const { stand, url } = await standIn(() => (failing-- > 0 ? 503 : undefined));
      const cap = 64 * 1024;
      const audit = createAuditLogger({ node: url, overflow: 'block', memoryCapBytes: cap, batchSize: 50, flushIntervalMs: 20, retryBaseDelayMs: 10, retryMaxDelayMs: 50, onWarning: () => undefined });
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, audit.stats().memoryBytes)), 1);
      const ids: string[] = [];
      for (let i = 0; i < 400; i++) {
        ids.push(audit.record(sampleEvent({ id: undefined })));
        peak = Math.max(peak, audit.stats().memoryBytes);
      }
      expect(await audit.close()).to.equal(0);
      clearInterval(sampler);
      const sequenceOf = (id: string) => (stand.documents.get(id) as { event: { sequence: number } } | undefined)?.event.sequence;
      expect(ids.map(sequenceOf)).to.deep.equal(ids.map((_, i) => i + 1));
      // Queued events and the request bodies in flight together stay within one event of the cap.
      expect(peak, 'queued and in-flight events at most one event over the cap').to.be.at.most(cap + 2048);
      expect(peak, 'the cap was reached (else this bounds nothing)').to.be.at.least(cap);
    });

    it('still passes through winston when another transport is attached to its logger', async () => {
      const { url } = await standIn();
      const audit = createAuditLogger({ node: url, onWarning: () => undefined });
      const seen: unknown[] = [];
      const { default: TransportStream } = await import('winston-transport');
      audit.logger.add(new (class extends TransportStream {
        override log(info: unknown, next: () => void) {
          seen.push(info);
          next();
        }
      })());
      audit.record(sampleEvent({ id: uuidv7() }));
      expect(seen).to.have.length(1);
      expect(await audit.close()).to.equal(0);
      expect(audit.stats()).to.include({ accepted: 1, delivered: 1 });
    });
  });
});
