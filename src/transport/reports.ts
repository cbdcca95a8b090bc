// What the transport reports: the stats() snapshot and the payloads of its warn and dropped events.

/** Counters and gauges, as `transport.stats()` returns them. */
export interface TransportStats {
  /** Audit events accepted (in memory or spooled). */
  accepted: number;
  /** Log entries without an `audit` field (ignored by this transport). */
  ignored: number;
  /** Events refused by validation, their metadata included (reported with a `warn` event saying what is wrong). */
  invalid: number;
  /** Events waiting to be sent (in memory, on disk or due for a retry). */
  queued: number;
  /** Events in bulk requests now. */
  inFlight: number;
  /** Records acknowledged by OpenSearch (201, or 409: already there): events, and checkpoints when signing. */
  delivered: number;
  /** Of `delivered`, those that were already indexed (a replay, 409). */
  replayed: number;
  /** Item retries (429, 5xx, network errors, timeouts). */
  retried: number;
  /** Events OpenSearch refused for good (4xx such as a mapping error), sent to the dead letter. */
  deadLettered: number;
  /** Events dropped: memory cap with `drop-newest`, full spool, disk error, a failing redact hook, or after close. */
  dropped: number;
  /** Bytes in spool segment files. */
  spooledBytes: number;
  /** Bytes of undelivered events held in memory. */
  memoryBytes: number;
  /** Age of the oldest undelivered event, in ms (0 when none). */
  oldestUndeliveredAgeMs: number;
  /** Spool bytes skipped as corrupt or truncated. */
  corruptBytes: number;
  /** Last sequence number given by this producer (to an event delivered, queued, dead-lettered or dropped). */
  lastSequence: number;
  /** Signed checkpoints made (queued for the checkpoint data stream; 0 without `signingKey`). */
  checkpoints: number;
}

/** The `warn` event's payload: what went wrong, with the event id when there is one. */
export interface TransportWarning {
  kind: 'invalid' | 'dead-letter' | 'dropped' | 'retry' | 'spool' | 'corrupt' | 'shutdown' | 'internal' | 'checkpoint';
  message: string;
  eventId?: string;
  error?: Error;
}

/**
 * The `dropped` event's payload. `producer` and `sequence` say which number of the producer's
 * sequence is a known drop (not a loss); events offered after close are not numbered.
 */
export interface DropNotice {
  reason: 'memory-cap' | 'spool-full' | 'disk-error' | 'redact-failed' | 'closed';
  count: number;
  producer: string;
  /** The event's sequence number (absent for `closed`, and for `disk-error`, which may cover several). */
  sequence?: number;
  /** The event's chain link, when it had joined the chain before it was dropped. */
  link?: string;
  eventId?: string;
}
