// The winston transport: takes `info.audit` events, shapes them and ships them in bulk batches.
import TransportStream from 'winston-transport';
import { hostname } from 'node:os';
import { ecsFields } from '@elastic/ecs-winston-format';
import { AuditValidationError, validateEvent } from '../event.js';
import { toEcsDocument, type AuditDocument } from '../ecs-document.js';
import { resolveTransportOptions, type AuditTransportOptions, type ResolvedTransportOptions } from './options.js';
import { sendBulk } from './bulk.js';

/** Counters, as `transport.stats()` returns them. */
export interface TransportStats {
  /** Audit events accepted into the queue. */
  accepted: number;
  /** Log entries without an `audit` field (ignored by this transport). */
  ignored: number;
  /** Events refused by validation (reported with a `warn` event). */
  invalid: number;
  queued: number;
  inFlight: number;
  delivered: number;
  /** Item retries (429, 5xx, network). */
  retried: number;
  /** Items OpenSearch refused for good (4xx such as a mapping error). */
  rejected: number;
  /** Items given up after `maxAttempts`, or refused because the queue was full. */
  dropped: number;
}

/** The `warn` event's payload: what went wrong, with the event id when there is one. */
export interface TransportWarning {
  kind: 'invalid' | 'rejected' | 'dropped' | 'retry';
  message: string;
  eventId?: string;
  error?: Error;
}

interface Pending {
  doc: AuditDocument;
  attempts: number;
}

const RESERVED_INFO_KEYS = new Set(['level', 'message', 'audit', 'timestamp', '@timestamp']);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Winston transport that writes audit events to an OpenSearch data stream. */
export class OpenSearchAuditTransport extends TransportStream {
  private readonly opts: ResolvedTransportOptions;
  private readonly ecs: ReturnType<typeof ecsFields>;
  private readonly host = hostname();
  private queue: Pending[] = [];
  private sequence = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly counters: TransportStats = {
    accepted: 0, ignored: 0, invalid: 0, queued: 0, inFlight: 0, delivered: 0, retried: 0, rejected: 0, dropped: 0,
  };

  constructor(options: AuditTransportOptions = {}) {
    const opts = resolveTransportOptions(options);
    super(opts.level === undefined ? {} : { level: opts.level });
    this.opts = opts;
    const { name, version, environment } = opts.service;
    this.ecs = ecsFields({
      convertErr: true,
      convertReqRes: false,
      apmIntegration: true,
      ...(name === undefined ? {} : { serviceName: name }),
      ...(version === undefined ? {} : { serviceVersion: version }),
      ...(environment === undefined ? {} : { serviceEnvironment: environment }),
    });
  }

  /** Where this transport writes. */
  get dataStream(): string {
    return this.opts.dataStream;
  }

  /** A snapshot of the counters. */
  stats(): TransportStats {
    return { ...this.counters, queued: this.queue.length };
  }

  override log(info: Record<string, unknown>, next: () => void): void {
    try {
      this.accept(info);
    } catch (error) {
      this.warnOf({ kind: 'invalid', message: `audit transport could not take an entry: ${(error as Error).message}`, error: error as Error });
    }
    next();
  }

  private accept(info: Record<string, unknown>): void {
    if (!info || typeof info !== 'object' || info.audit === undefined) {
      this.counters.ignored++;
      return;
    }
    let event;
    try {
      event = validateEvent(info.audit);
    } catch (error) {
      this.counters.invalid++;
      const message = error instanceof AuditValidationError ? error.message : `invalid audit event: ${String(error)}`;
      this.warnOf({ kind: 'invalid', message, error: error as Error });
      return;
    }
    if (this.queue.length >= this.opts.maxQueuedEvents) {
      this.counters.dropped++;
      this.warnOf({ kind: 'dropped', message: `queue full (${this.opts.maxQueuedEvents} events): event dropped`, eventId: event.id });
      return;
    }
    const shaped = this.ecs.transform({ level: 'info', message: '', ...info }, this.ecs.options) as Record<string, unknown> | boolean;
    const ecsInfo = typeof shaped === 'object' ? shaped : {};
    const meta: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(info)) {
      if (!RESERVED_INFO_KEYS.has(key)) meta[key] = value;
    }
    const doc = this.opts.redact(toEcsDocument(event, {
      level: typeof info.level === 'string' ? info.level : undefined,
      service: {
        name: ecsInfo['service.name'] as string | undefined,
        version: ecsInfo['service.version'] as string | undefined,
        environment: ecsInfo['service.environment'] as string | undefined,
      },
      hostname: this.host,
      producer: this.opts.producerId,
      sequence: ++this.sequence,
      meta,
    }));
    this.queue.push({ doc, attempts: 0 });
    this.counters.accepted++;
    if (this.queue.length >= this.opts.batchSize) void this.flush();
    else this.arm();
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.opts.flushIntervalMs);
    this.timer.unref();
  }

  /** Sends everything queued now; resolves when each item is delivered, rejected or dropped. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.flushing ??= this.drainQueue().finally(() => {
      this.flushing = undefined;
      if (this.queue.length) this.arm();
    });
    return this.flushing;
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.opts.batchSize);
      await this.sendWithRetry(batch);
    }
  }

  private async sendWithRetry(batch: Pending[]): Promise<void> {
    let pending = batch;
    while (pending.length) {
      this.counters.inFlight = pending.length;
      const outcomes = await sendBulk(this.opts.client, this.opts.dataStream, pending.map((p) => p.doc));
      this.counters.inFlight = 0;
      const again: Pending[] = [];
      outcomes.forEach((outcome, i) => {
        const item = pending[i] as Pending;
        item.attempts++;
        if (outcome.kind === 'delivered') {
          this.counters.delivered++;
        } else if (outcome.kind === 'rejected') {
          this.counters.rejected++;
          this.warnOf({ kind: 'rejected', message: `OpenSearch refused event (${outcome.status}): ${outcome.reason}`, eventId: item.doc.event.id });
        } else if (item.attempts >= this.opts.maxAttempts) {
          this.counters.dropped++;
          this.warnOf({ kind: 'dropped', message: `gave up after ${item.attempts} attempts: ${outcome.reason}`, eventId: item.doc.event.id });
        } else {
          this.counters.retried++;
          again.push(item);
        }
      });
      pending = again;
      if (pending.length) {
        const attempt = Math.max(...pending.map((p) => p.attempts));
        const delay = this.opts.retryBaseDelayMs * 2 ** (attempt - 1);
        await sleep(delay / 2 + Math.random() * delay);
      }
    }
  }

  private warnOf(warning: TransportWarning): void {
    // 'warn', never 'error': winston re-emits transport errors on the logger, which would throw without a listener.
    this.emit('warn', warning);
  }

  /** Called by winston when the logger ends: 'finish' waits for the flush. */
  override _final(callback: (error?: Error | null) => void): void {
    this.flush().then(() => callback(), () => callback());
  }

  /** Called by winston on `logger.close()` / unpipe: flushes what is queued. */
  override close(): void {
    void this.flush();
  }
}
