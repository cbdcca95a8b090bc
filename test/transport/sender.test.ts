import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { BulkStandIn, type ItemPlan, type RequestPlan } from '../helpers/bulk-stand-in.js';
import { validateEvent } from '../../src/model/event.js';
import { toEcsDocument } from '../../src/model/ecs-document.js';
import { bulkChunkEncoder } from '../../src/transport/bulk-line.js';
import { resolveTransportOptions, type AuditTransportOptions } from '../../src/transport/options.js';
import { DeliveryQueue } from '../../src/transport/queue.js';
import { Sender } from '../../src/transport/sender.js';

const encode = bulkChunkEncoder('logs-audit_trail.events-default');
const created = { status: 201 };
const mappingError = { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [client.ip]' } };
const throttled = { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } };
const unavailable = { status: 503, error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' } };
const conflict = { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'document already exists' } };

/** A queue and a sender in front of a stand-in `_bulk`, with everything the sender reports. */
async function senderAgainst(itemPlan: ItemPlan, requestPlan?: RequestPlan, overrides: AuditTransportOptions = {}, onRetry: () => void = () => undefined) {
  const standIn = new BulkStandIn(itemPlan, requestPlan);
  const url = await standIn.start();
  const options = resolveTransportOptions({ node: url, batchSize: 100, flushIntervalMs: 20, retryBaseDelayMs: 10, retryMaxDelayMs: 20, ...overrides });
  const queue = new DeliveryQueue(options, undefined, { damaged: () => undefined, loaded: () => undefined, readFailed: () => undefined });
  const reported = { delivered: 0, replays: 0, retried: 0, refused: [] as { ids: string[]; status: number; reason: string }[], failed: [] as Error[] };
  const sender = new Sender(options.client, options, queue, undefined, {
    delivered: (count, replays) => {
      reported.delivered += count;
      reported.replays += replays;
    },
    retrying: (count) => {
      reported.retried += count;
      onRetry();
    },
    refused: (records, status, reason) => Promise.resolve(reported.refused.push({ ids: records.map((r) => r.eventId), status, reason }) > 0),
    freed: () => undefined,
    failed: (error) => reported.failed.push(error),
  });
  /** Queues one event per id, sends them all and waits until none is outstanding. */
  const deliver = async (ids: string[]) => {
    ids.forEach((id, i) => {
      const chunk = encode(toEcsDocument({ ...validateEvent(sampleEvent()), id }, { sequence: i + 1 }));
      queue.push(chunk.body, { acceptedAt: Date.now(), sequence: i + 1, eventId: chunk.eventId });
    });
    sender.flushNow();
    await sender.whenIdle();
  };
  const stop = async () => {
    sender.stop();
    await options.client.close();
    await standIn.stop();
  };
  return { standIn, queue, reported, deliver, stop };
}

describe('the sender against a stand-in _bulk (no OpenSearch needed)', () => {
  describe('per-item outcomes of one batch', () => {
    it('re-sends only the failed items; a 409 on a re-send counts as delivered, on a first sending it is a reused id; a non-retryable item is refused at once', async () => {
      const plan: Record<string, (previous: number) => { status: number }> = {
        'e-created': () => created,
        'e-conflict': () => conflict,
        'e-throttled': (previous) => (previous === 0 ? throttled : created),
        'e-mapping': () => mappingError,
        'e-unavailable': (previous) => (previous < 2 ? unavailable : created),
        'e-replayed': (previous) => (previous === 0 ? unavailable : conflict),
      };
      const { standIn, queue, reported, deliver, stop } = await senderAgainst((id, previous) => plan[id]!(previous));
      try {
        await deliver(Object.keys(plan));
        expect(standIn.requests[0]).to.deep.equal(Object.keys(plan));
        // Retries are jittered per item, so they may share a request or not; only the failed ones come back.
        const sends = Object.fromEntries(Object.keys(plan).map((id) => [id, standIn.requests.flat().filter((sent) => sent === id).length]));
        expect(sends).to.deep.equal({ 'e-created': 1, 'e-conflict': 1, 'e-throttled': 2, 'e-mapping': 1, 'e-unavailable': 3, 'e-replayed': 2 });
        expect(reported).to.deep.include({ delivered: 4, replays: 1, retried: 4, failed: [] });
        expect(reported.refused).to.deep.equal([
          { ids: ['e-conflict'], status: 409, reason: 'its id is stored already for another event (a reused id); this event was not indexed' },
          { ids: ['e-mapping'], status: 400, reason: 'mapper_parsing_exception: failed to parse field [client.ip]' },
        ]);
        expect(queue).to.include({ outstanding: 0, inFlight: 0, memoryBytes: 0 });
      } finally {
        await stop();
      }
    });
  });

  describe('whole-request answers', () => {
    it('a 413 halves the batch byte limit and sends the halves; a single event still too large is refused', async () => {
      const tooLarge: RequestPlan = (ids) => (ids.length > 2 || ids.includes('e-huge') ? 413 : undefined);
      const { standIn, reported, deliver, stop } = await senderAgainst(() => created, tooLarge);
      try {
        await deliver(['e-1', 'e-2', 'e-3', 'e-4']);
        expect(standIn.requests).to.deep.equal([['e-1', 'e-2', 'e-3', 'e-4'], ['e-1', 'e-2'], ['e-3', 'e-4']]);
        await deliver(['e-huge']);
        expect(reported.refused.map((r) => [r.ids, r.status])).to.deep.equal([[['e-huge'], 413]]);
        expect(reported).to.include({ delivered: 4, retried: 0 });
      } finally {
        await stop();
      }
    });

    it('a whole request answered 429 is retried as a whole after a pause, then delivered', async () => {
      let requests = 0;
      const { standIn, reported, deliver, stop } = await senderAgainst(() => created, () => (requests++ === 0 ? 429 : undefined));
      try {
        await deliver(['e-1', 'e-2']);
        expect(standIn.requests).to.deep.equal([['e-1', 'e-2'], ['e-1', 'e-2']]);
        expect(reported).to.deep.include({ delivered: 2, retried: 2, refused: [] });
      } finally {
        await stop();
      }
    });
  });

  describe('the clock', () => {
    it('set back an hour after a failure: the retry still comes after its delay, not an hour later', async () => {
      const realNow = Date.now;
      let requests = 0;
      const hourBack = () => (Date.now = () => realNow() - 3_600_000);
      const { standIn, reported, deliver, stop } = await senderAgainst(() => created, () => (requests++ === 0 ? 503 : undefined), {}, hourBack);
      try {
        let timer: NodeJS.Timeout | undefined;
        const stuck = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('delivery still paused after 3 s')), 3000)));
        await Promise.race([deliver(['e-1']), stuck]);
        clearTimeout(timer);
        expect(Date.now() < realNow() - 3_000_000, 'the clock was set back').to.equal(true);
        expect(standIn.requests).to.deep.equal([['e-1'], ['e-1']]);
        expect(reported).to.include({ delivered: 1, retried: 1 });
      } finally {
        Date.now = realNow;
        await stop();
      }
    });
  });
});
