// What the delivery queue holds: records, the segments they belong to, and what it tells its owner.
import type { DecodeResult, RecordFacts } from './record-codec.js';

/** Rough per-record bookkeeping cost in memory, on top of the bulk chunk itself. */
export const RECORD_OVERHEAD = 96;

/** One undelivered event: its bulk chunk (action line + document line) and what its spool header says. */
export interface QueuedRecord extends RecordFacts {
  body: Buffer;
  attempts: number;
  /** Read back from a spool left by an earlier run: it may have been stored before. */
  recovered?: boolean;
  dueAt: number;
  segment: Segment;
}

export interface Segment {
  id: number;
  /** null while cold: the records are only on disk. */
  records: (QueuedRecord | undefined)[] | null;
  handed: number;
  outstanding: number;
  sealed: boolean;
  bytes: number;
  firstAcceptedAt: number;
  loading: boolean;
  /** Its records are counted in `outstanding` (false for a segment left by the previous run until it is read). */
  counted: boolean;
  /** Left by the previous run (its records may have been stored before). */
  recovered?: boolean;
  /** Counted from its count file and not read yet: damage is found (and reported) when it is read back. */
  unchecked?: boolean;
}

/** What `push` did with an event. */
export type PushResult = 'memory' | 'spooled' | 'dropped-memory' | 'dropped-spool';

/** Reports of the queue to its owner. */
export interface QueueListener {
  /** A segment left by the previous run was read; damaged bytes were skipped. */
  damaged(segmentId: number, result: DecodeResult): void;
  /** Records were read back (or counted) from disk; the sender may go on. */
  loaded(): void;
  readFailed(error: Error): void;
}

/**
 * The body of a bulk request for `batch`: its records' chunks joined into one buffer, and each record's
 * `body` then a view into it, so the bytes of a record in flight are held (and counted) once, not twice.
 */
export function packRequest(batch: readonly QueuedRecord[]): Buffer {
  const request = Buffer.concat(batch.map((rec) => rec.body));
  let at = 0;
  for (const rec of batch) {
    const end = at + rec.body.length;
    rec.body = request.subarray(at, end);
    at = end;
  }
  return request;
}

/** A record kept after the rest of its request was settled gets its own copy, so it does not pin the whole request body. */
export function unpin(rec: QueuedRecord): void {
  rec.body = Buffer.from(rec.body);
}
