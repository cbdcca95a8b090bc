// The delivery loop: builds bounded batches, keeps `concurrency` bulk requests in flight, retries per item with backoff.
import type { Client } from '@opensearch-project/opensearch';
import type { ResolvedTransportOptions } from './options.js';
import type { DeliveryQueue, QueuedRecord } from './queue.js';
import type { SpoolFiles } from './spool-files.js';
import { backoffDelay, sendBulk, type ItemOutcome } from './bulk.js';
import { mayBeStored, type CopyFinder } from './replay-screen.js';
import { packRequest, unpin } from './queue-records.js';

/** Monotonic milliseconds: delays and deadlines never follow the wall clock when it is set back or forth. */
const monotonicNow = () => performance.now();

/** What the sender tells its owner. */
export interface SenderReporter {
  delivered(count: number, replays: number): void;
  retrying(count: number, outcome: ItemOutcome & { kind: 'retry' }, delayMs: number): void;
  /** Resolves to true once the dead letter of `records` is on disk (only then are they settled and their segment released). */
  refused(records: QueuedRecord[], status: number, reason: string): Promise<boolean>;
  /** Memory was freed (for the `block` overflow policy). */
  freed(): void;
  /** Something unexpected failed inside the loop (reported, never thrown). */
  failed(error: Error): void;
}

export class Sender {
  private active = 0;
  private flushRequested = false;
  private pauseUntil = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private batchBytesLimit: number;
  private idleWaiters: (() => void)[] = [];
  private keepAlive = false;
  stopped = false;

  constructor(
    private readonly client: Client,
    private readonly options: ResolvedTransportOptions,
    private readonly queue: DeliveryQueue,
    private readonly spool: SpoolFiles | undefined,
    private readonly reporter: SenderReporter,
    /** Finds stored copies of records (see replay-screen.ts). */
    private readonly copies?: CopyFinder,
  ) {
    this.batchBytesLimit = options.maxBatchBytes;
  }

  /** Requests in flight. */
  get requestsInFlight(): number {
    return this.active;
  }

  /** Called after each accepted event: sends when a batch is full, else makes sure the interval timer runs. */
  nudge(): void {
    if (this.queue.readyCount >= this.options.batchSize || this.queue.readyBytes >= this.batchBytesLimit) this.pump();
    else this.arm(monotonicNow() + this.options.flushIntervalMs);
  }

  /** Sends everything ready now (and keeps doing so until idle). */
  flushNow(): void {
    this.flushRequested = true;
    this.pump();
  }

  /** Resolves once nothing is outstanding. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** While closing, the timer keeps the process alive so the drain can finish. */
  setKeepAlive(on: boolean): void {
    this.keepAlive = on;
    if (this.timer) on ? this.timer.ref() : this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private isIdle(): boolean {
    return this.queue.drained && this.active === 0;
  }

  private settleIdle(): void {
    if (!this.isIdle()) return;
    this.flushRequested = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private arm(at: number): void {
    if (this.stopped) return;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushRequested = true;
      try {
        this.pump();
      } catch (error) {
        this.reporter.failed(error as Error);
        this.arm(monotonicNow() + this.options.flushIntervalMs);
      }
    }, Math.max(0, at - monotonicNow()));
    if (!this.keepAlive) this.timer.unref();
  }

  /** Starts as many requests as allowed and worthwhile. */
  pump(): void {
    if (this.stopped) return;
    const now = monotonicNow();
    if (now < this.pauseUntil) {
      this.arm(this.pauseUntil);
      return;
    }
    while (this.active < this.options.concurrency) {
      const q = this.queue;
      const full = q.readyCount >= this.options.batchSize || q.readyBytes >= this.batchBytesLimit;
      const due = q.nextDue !== undefined && q.nextDue <= now;
      if (!full && !due && !this.flushRequested) break;
      // Everything handed out is written to the spool first (so its sequence is persisted).
      this.spool?.writeNow();
      const batch = q.take(this.options.batchSize, this.batchBytesLimit, now);
      if (!batch.length) {
        this.flushRequested = false;
        break;
      }
      this.send(batch).catch((error: Error) => this.reporter.failed(error));
    }
    if (!this.queue.drained) {
      const next = this.queue.nextDue;
      this.arm(Math.min(now + this.options.flushIntervalMs, next ?? Infinity));
    }
    this.settleIdle();
  }

  private async send(batch: QueuedRecord[]): Promise<void> {
    this.active++;
    if (this.copies && batch.some(mayBeStored)) {
      try {
        const { stored, conflicts } = await this.copies.screen(batch);
        for (const rec of stored) this.queue.settle(rec);
        if (stored.length) this.reporter.delivered(stored.length, stored.length);
        if (conflicts.length) this.refuse(conflicts, 409, 'its id is stored already for another event (a reused id); this event was not indexed');
        if (stored.length || conflicts.length) batch = batch.filter((rec) => !stored.includes(rec) && !conflicts.includes(rec));
      } catch (error) {
        this.active--;
        this.retryAll(batch, { kind: 'retry', status: 0, reason: `looking for earlier copies failed: ${(error as Error).message}` }, monotonicNow());
        this.pump();
        return;
      }
      if (!batch.length) {
        this.active--;
        this.reporter.freed();
        this.pump();
        return;
      }
    }
    // The records' bytes move into the request body (their chunks become views of it): held once, counted once.
    const request = packRequest(batch);
    const bodyBytes = request.length;
    const result = await sendBulk(this.client, request, batch.length, { timeoutMs: this.options.requestTimeoutMs, gzip: this.options.gzip });
    this.active--;
    const now = monotonicNow();
    const q = this.queue;
    if (result.kind === 'too-large') {
      if (batch.length === 1) {
        this.refuse(batch, 413, result.reason);
      } else {
        this.batchBytesLimit = Math.max(1024, Math.floor(bodyBytes / 2));
        q.requeue(batch);
      }
    } else if (result.kind === 'all') {
      this.retryAll(batch, result.outcome, now);
    } else {
      let delivered = 0;
      let replays = 0;
      const refused = new Map<string, { status: number; reason: string; records: QueuedRecord[] }>();
      const retry: QueuedRecord[] = [];
      const unclaimed: QueuedRecord[] = [];
      let retryOutcome: (ItemOutcome & { kind: 'retry' }) | undefined;
      result.outcomes.forEach((outcome, i) => {
        const rec = batch[i]!;
        if (outcome.kind === 'delivered' && outcome.replay && !mayBeStored(rec)) {
          // 409 on a first sending: OpenSearch's own copy of this very record, or another event under a reused id.
          unclaimed.push(rec);
        } else if (outcome.kind === 'delivered') {
          q.settle(rec);
          delivered++;
          if (outcome.replay) replays++;
        } else if (outcome.kind === 'rejected') {
          const key = `${outcome.status} ${outcome.reason}`;
          const group = refused.get(key) ?? { status: outcome.status, reason: outcome.reason, records: [] };
          group.records.push(rec);
          refused.set(key, group);
        } else {
          retry.push(rec);
          retryOutcome ??= outcome;
        }
      });
      // What stays (retried, or waiting for its dead letter) no longer pins the body the delivered records shared.
      if (delivered) for (const rec of retry.concat(unclaimed, ...[...refused.values()].map((g) => g.records))) unpin(rec);
      if (delivered) this.reporter.delivered(delivered, replays);
      if (unclaimed.length) this.claim(unclaimed);
      for (const group of refused.values()) this.refuse(group.records, group.status, group.reason);
      if (retry.length && retryOutcome) {
        if (retry.length === batch.length) this.retryAll(retry, retryOutcome, now);
        else {
          this.failures = 0;
          let maxDelay = 0;
          for (const rec of retry) {
            const delay = backoffDelay(rec.attempts + 1, this.options.retryBaseDelayMs, this.options.retryMaxDelayMs);
            maxDelay = Math.max(maxDelay, delay);
            q.retry(rec, delay, now);
          }
          this.reporter.retrying(retry.length, retryOutcome, maxDelay);
        }
      } else {
        this.failures = 0;
      }
      if (delivered || refused.size) this.reporter.freed();
    }
    this.pump();
  }

  /**
   * Records answered 409 on their first sending: those whose stored copy is their own (same producer
   * and sequence) are delivered, as replays; the others are refused as reused ids. Should the look-up
   * fail, they are sent again after a backoff, when a 409 counts as a replay.
   */
  private claim(records: QueuedRecord[]): void {
    const reusedId = 'its id is stored already for another event (a reused id); this event was not indexed';
    if (!this.copies) return this.refuse(records, 409, reusedId);
    this.copies.identify(records).then(({ stored }) => {
      for (const rec of stored) this.queue.settle(rec);
      if (stored.length) {
        this.reporter.delivered(stored.length, stored.length);
        this.reporter.freed();
      }
      const others = records.filter((rec) => !stored.includes(rec));
      if (others.length) this.refuse(others, 409, reusedId);
      this.pump();
    }, (error: Error) => {
      const outcome = { kind: 'retry' as const, status: 0, reason: `looking up whose copy answered 409 failed: ${error.message}` };
      const now = monotonicNow();
      let maxDelay = 0;
      for (const rec of records) {
        const delay = backoffDelay(rec.attempts + 1, this.options.retryBaseDelayMs, this.options.retryMaxDelayMs);
        maxDelay = Math.max(maxDelay, delay);
        this.queue.retry(rec, delay, now);
      }
      this.reporter.retrying(records.length, outcome, maxDelay);
      this.pump();
    });
  }

  /** The whole request failed (or every item asks for a retry): back off before the next request. */
  private retryAll(batch: QueuedRecord[], outcome: ItemOutcome, now: number): void {
    this.failures++;
    const delay = backoffDelay(this.failures, this.options.retryBaseDelayMs, this.options.retryMaxDelayMs);
    this.pauseUntil = now + delay;
    for (const rec of batch) this.queue.retry(rec, delay, now);
    const retry = outcome.kind === 'retry' ? outcome : { kind: 'retry' as const, status: 'status' in outcome ? outcome.status : 0, reason: 'reason' in outcome ? outcome.reason : 'unknown' };
    this.reporter.retrying(batch.length, retry, delay);
  }

  /**
   * Refused for good: the records are settled (and their segment may be released) only once their dead
   * letter is on disk. Until then they stay in flight; should it fail, they stay in the spool and are
   * tried again after a backoff (and on the next start).
   */
  private refuse(records: QueuedRecord[], status: number, reason: string): void {
    void this.reporter.refused(records, status, reason).catch(() => false).then((written) => {
      if (written) {
        for (const rec of records) this.queue.settle(rec);
        this.reporter.freed();
      } else {
        const now = monotonicNow();
        for (const rec of records) this.queue.retry(rec, backoffDelay(rec.attempts + 1, this.options.retryBaseDelayMs, this.options.retryMaxDelayMs), now);
      }
      this.pump();
    });
  }
}
