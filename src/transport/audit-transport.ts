// The winston transport: validates and shapes `info.audit` events, then hands them to the queue, spool and sender.
import TransportStream from 'winston-transport';
import { hostname } from 'node:os';
import type { AuditEvent } from '../model/event.js';
import { resolveTransportOptions, type AuditTransportOptions, type ResolvedTransportOptions } from './options.js';
import { SpoolFiles } from './spool-files.js';
import { DeliveryQueue } from './queue.js';
import { Sender } from './sender.js';
import { DeadLetterSink, deadLetterRecord, type DeadLetterInput, type DeadLetterRecord } from './dead-letter.js';
import { bulkChunkEncoder } from './bulk-line.js';
import { readEntry, shapeEvent, tooBigToHold, type IntakeContext } from './intake.js';
import { copyFinder } from './replay-screen.js';
import type { ItemOutcome } from './bulk.js';
import type { DropNotice, TransportStats, TransportWarning } from './reports.js';
import { Checkpointer } from './checkpointer.js';
import { WriteHold } from './write-hold.js';
import { GENESIS_LINK } from '../integrity/chain.js';

export type { TransportStats, TransportWarning, DropNotice } from './reports.js';

/** Winston transport that writes audit events to an OpenSearch data stream, exactly once in the index. */
export class OpenSearchAuditTransport extends TransportStream {
  private readonly opts: ResolvedTransportOptions;
  private readonly producer: string;
  private readonly intake: IntakeContext;
  private readonly spool: SpoolFiles | undefined;
  private readonly queue: DeliveryQueue;
  private readonly sender: Sender;
  private readonly deadLetters: DeadLetterSink;
  private sequence: number;
  /** The chain head: the link of the last event taken into the chain. */
  private head: string;
  private readonly checkpointer: Checkpointer | undefined;
  private closing: Promise<number> | undefined;
  private shuttingDown = false;
  private readonly hold = new WriteHold(() => this.holdingBack, (info) => this.guarded('an entry', () => this.accept(info)));
  private capacityWaiters: (() => void)[] = [];
  private readonly counters = { accepted: 0, ignored: 0, invalid: 0, delivered: 0, replayed: 0, retried: 0, deadLettered: 0, dropped: 0, corruptBytes: 0, checkpoints: 0 };

  constructor(options: AuditTransportOptions = {}) {
    const opts = resolveTransportOptions(options);
    super(opts.level === undefined ? {} : { level: opts.level });
    this.opts = opts;
    this.spool = opts.spoolDir
      ? new SpoolFiles(opts.spoolDir, opts.sync, opts.syncIntervalMs, { writeFailed: (e, lost) => this.spoolFailed(e, lost) }, opts.producerId)
      : undefined;
    this.producer = this.spool?.producerId ?? opts.producerId!;
    this.sequence = this.spool?.lastSequence ?? 0;
    this.head = this.spool?.lastLink ?? GENESIS_LINK;
    this.intake = {
      service: Object.fromEntries(Object.entries(opts.service).filter(([, v]) => v !== undefined)),
      hostname: hostname(), producer: this.producer, redact: opts.redact, encode: bulkChunkEncoder(opts.dataStream),
    };
    this.queue = new DeliveryQueue(opts, this.spool, {
      damaged: (id, result) => this.corrupt(`spool segment ${id}`, result.skippedBytes, result.damaged),
      loaded: () => {
        try {
          this.sender.flushNow();
        } catch (error) {
          this.problem({ kind: 'internal', message: `audit transport delivery loop: ${(error as Error).message}`, error: error as Error });
        }
      },
      readFailed: (error) => this.problem({ kind: 'spool', message: `could not read the spool back: ${error.message}; retrying`, error }),
    });
    this.deadLetters = new DeadLetterSink(opts.client, opts.deadLetterFile, opts.deadLetterIndex, (error) =>
      this.problem({ kind: 'dead-letter', message: `could not write the dead letter: ${error.message}`, error }),
    );
    this.sender = new Sender(opts.client, opts, this.queue, this.spool, {
      delivered: (count, replays) => {
        this.counters.delivered += count;
        this.counters.replayed += replays;
      },
      retrying: (count, outcome, delay) => this.retrying(count, outcome, delay),
      refused: (records, status, reason) => this.refused(records, status, reason),
      freed: () => this.freed(),
      failed: (error) => this.problem({ kind: 'internal', message: `audit transport delivery loop: ${error.message}`, error }),
    }, copyFinder(opts.client, this.producer));
    this.checkpointer = opts.checkpoints && new Checkpointer(opts.checkpoints, this.producer, opts.spoolDir, bulkChunkEncoder(opts.checkpointStream), {
      head: () => ({ sequence: this.sequence, link: this.head }),
      write: ({ body, eventId }) => {
        this.queue.push(body, { acceptedAt: Date.now(), sequence: 0, eventId }, true); // never dropped by an overflow policy
        this.counters.checkpoints++;
        this.sender.nudge();
      },
      problem: (message, error) => this.problem({ kind: 'checkpoint', message, ...(error ? { error } : {}) }),
    });
    if (!this.queue.drained) this.sender.flushNow(); // replay what the last run left (read back as the sender reaches it)
  }

  /** Where this transport writes. */
  get dataStream(): string {
    return this.opts.dataStream;
  }

  /** This producer's id (`audit_trail.producer`), stable across restarts when a spool is used. */
  get producerId(): string {
    return this.producer;
  }

  /** A snapshot of the counters. */
  stats(): TransportStats {
    const oldest = this.queue.oldestAcceptedAt();
    return {
      ...this.counters,
      queued: this.queue.outstanding - this.queue.inFlight, inFlight: this.queue.inFlight,
      spooledBytes: this.spool?.totalBytes ?? 0,
      memoryBytes: this.queue.memoryBytes,
      oldestUndeliveredAgeMs: oldest === undefined ? 0 : Math.max(0, Date.now() - oldest),
      lastSequence: this.sequence,
    };
  }

  override log(info: Record<string, unknown>, next: () => void): void {
    this.hold.offer([info], next);
  }

  /** What winston buffered while held back, handed over at once (its `_writev`). */
  override logv(writes: { chunk: Record<string, unknown> }[], next: () => void): void {
    this.hold.offer(writes.map((write) => write.chunk), next);
  }

  /** The `block` policy holds writes back: memory is at the cap (and the transport not closing). */
  private get holdingBack(): boolean {
    return this.opts.overflow === 'block' && this.queue.full && !this.shuttingDown;
  }

  /** Whether `recordVouched` may take an event now, without winston: no write held back (`block`), nothing logged earlier waits. */
  get takesDirectly(): boolean {
    return !this.hold.engaged && this.writableLength === 0 && !this.holdingBack;
  }

  /** Takes an event the typed API has validated and described, without winston's pipeline (see `takesDirectly`). */
  recordVouched(event: AuditEvent, message: string, level: string): void {
    this.guarded('an event', () => this.take(event, level, undefined, message));
  }

  /** Taking never throws: whatever escapes is reported. */
  private guarded(what: string, take: () => void): void {
    try {
      take();
    } catch (error) {
      this.problem({ kind: 'internal', message: `audit transport could not take ${what}: ${(error as Error).message}`, error: error as Error });
    }
  }

  private accept(info: Record<string, unknown>): void {
    const entry = readEntry(info);
    if (entry === 'ignored') this.counters.ignored++;
    else if ('invalid' in entry) this.invalid(entry.invalid, entry.error, entry.eventId);
    else this.take(entry.event, typeof info.level === 'string' ? info.level : undefined, entry.meta, entry.description);
  }

  /** Numbers the event (before any policy, so whatever becomes of it leaves a known gap), shapes it and queues it. */
  private take(event: AuditEvent, level: string | undefined, meta: Record<string, unknown> | undefined, message: string | undefined): void {
    if (this.shuttingDown) {
      this.drop({ reason: 'closed', count: 1, eventId: event.id, producer: this.producer }, 'the transport is closed');
      return;
    }
    const sequence = ++this.sequence;
    const shaped = shapeEvent(event, level, meta, message, sequence, this.head, this.intake);
    if ('failed' in shaped) {
      this.drop({ reason: 'redact-failed', count: 1, eventId: event.id, producer: this.producer, sequence }, shaped.message);
      return;
    }
    const { body, eventId } = shaped.chunk;
    const link = (this.head = shaped.link);
    const why = tooBigToHold(body.length, this.opts); // dead-lettered now, not kept for good
    if (why) {
      void this.refused([{ body, eventId, sequence, link }], 413, why).then((written) => written || this.drop({ reason: 'disk-error', count: 1, eventId, producer: this.producer, sequence, link }, `${why}; its dead letter could not be written`));
      return;
    }
    const result = this.queue.push(body, { acceptedAt: Date.now(), sequence, eventId, link });
    if (result === 'dropped-memory') {
      this.drop({ reason: 'memory-cap', count: 1, eventId, producer: this.producer, sequence, link }, `memory cap (${this.opts.memoryCapBytes} bytes) reached with overflow "drop-newest"`);
      return;
    }
    if (result === 'dropped-spool') {
      this.drop({ reason: 'spool-full', count: 1, eventId, producer: this.producer, sequence, link }, `spool full (maxSpoolBytes ${this.opts.maxSpoolBytes})`);
      return;
    }
    this.counters.accepted++;
    this.checkpointer?.counted();
    this.sender.nudge();
  }

  private invalid(message: string, error: Error | undefined, eventId: string | undefined): void {
    this.counters.invalid++;
    this.problem({ kind: 'invalid', message, ...(error ? { error } : {}), ...(eventId ? { eventId } : {}) });
  }

  /** Sends what is queued now; resolves when everything accepted so far is delivered or dead-lettered. */
  flush(): Promise<void> {
    this.sender.flushNow();
    return this.sender.whenIdle().then(() => this.deadLetters.settled());
  }

  /** Resolves when memory is below the cap (for the `block` overflow policy). */
  waitForCapacity(): Promise<void> {
    if (!this.queue.full) return Promise.resolve();
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  /**
   * Drains for up to `timeoutMs` (default: `closeTimeoutMs`), then stops; resolves to the number of records not
   * delivered, events and (when signing) checkpoints (they stay in the spool for the next start, or are lost without one).
   */
  override close(timeoutMs = this.opts.closeTimeoutMs): Promise<number> {
    this.closing ??= this.drainAndStop(timeoutMs);
    return this.closing;
  }

  private async drainAndStop(timeoutMs: number): Promise<number> {
    this.hold.takeAll();
    this.shuttingDown = true;
    this.checkpointer?.close();
    this.sender.setKeepAlive(true);
    this.sender.flushNow();
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([this.sender.whenIdle(), new Promise<void>((resolve) => (deadline = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(deadline);
    await this.deadLetters.settled();
    this.sender.stop();
    await this.queue.counted();
    const remaining = this.queue.outstanding;
    if (this.spool) {
      if (remaining === 0) this.queue.finish();
      this.spool.close();
    }
    if (remaining > 0) {
      const where = this.spool ? `they stay in ${this.opts.spoolDir} and are sent on the next start` : 'they are lost (no spoolDir)';
      this.problem({ kind: 'shutdown', message: `closed after ${timeoutMs} ms with ${remaining} events undelivered: ${where}` });
    }
    this.freed();
    return remaining;
  }

  /** Called by winston when the logger ends: 'finish' waits for delivery (up to `closeTimeoutMs`). */
  override _final(callback: (error?: Error | null) => void): void {
    this.close().then(() => callback(), () => callback());
  }

  private freed(): void {
    this.hold.release();
    if (this.holdingBack) return;
    const waiters = this.capacityWaiters;
    this.capacityWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private retrying(count: number, outcome: ItemOutcome & { kind: 'retry' }, delayMs: number): void {
    this.counters.retried += count;
    this.problem({ kind: 'retry', message: `${count} events will be retried in ≤ ${Math.round(delayMs)} ms (${outcome.status || 'network'}: ${outcome.reason})` });
  }

  /** Resolves to true once the dead letter is on disk; only then is it counted and reported. */
  private async refused(records: readonly DeadLetterInput[], status: number, reason: string): Promise<boolean> {
    const letters: DeadLetterRecord[] = records.map((record) => deadLetterRecord(record, status, reason, this.producer));
    if (!(await this.deadLetters.write(letters))) return false;
    this.counters.deadLettered += records.length;
    for (const record of records) if (record.sequence > 0) this.checkpointer?.gap(record.sequence, `dead-letter ${status}`, record.link);
    for (const letter of letters) {
      this.emit('deadLetter', letter);
      this.problem({ kind: 'dead-letter', message: `event refused (${status}): ${reason}`, ...(letter.event_id ? { eventId: letter.event_id } : {}) });
    }
    return true;
  }

  private spoolFailed(error: Error, lostCold: number): void {
    if (lostCold > 0) {
      this.queue.lostCold(lostCold);
      this.counters.accepted -= lostCold;
      this.drop({ reason: 'disk-error', count: lostCold, producer: this.producer }, `spool write failed (${error.message})`);
    }
    this.problem({ kind: 'spool', message: `spool write failed: ${error.message} (events in memory are still sent; free disk space)`, error });
  }

  private corrupt(where: string, bytes: number, stretches: number, count = true): void {
    this.counters.corruptBytes += count ? bytes : 0;
    this.problem({ kind: 'corrupt', message: `${where}: ${bytes} corrupt or truncated bytes in ${stretches} place(s) skipped; the other records are kept` });
  }

  private drop(notice: DropNotice, why: string): void {
    this.counters.dropped += notice.count;
    if (notice.sequence !== undefined) {
      this.spool?.noteSequence(notice.sequence, notice.link);
      this.checkpointer?.gap(notice.sequence, notice.reason, notice.link);
    }
    this.emit('dropped', notice);
    this.problem({ kind: 'dropped', message: `${notice.count} event(s) dropped: ${why}`, ...(notice.eventId ? { eventId: notice.eventId } : {}) });
  }

  /**
   * Every problem is a `warn` event, never an `error`: a piped stream that emits `error` is unpiped, so
   * winston would close the transport over a problem it rides out (a full disk, say).
   */
  private problem(warning: TransportWarning): void {
    this.emit('warn', warning);
  }
}
