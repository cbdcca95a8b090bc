// Undelivered events: segments (in memory, or cold on disk), memory accounting, overflow, hand-out and acknowledgement.
import type { ResolvedTransportOptions } from './options.js';
import type { SpoolFiles } from './spool-files.js';
import type { DecodeResult, RecordFacts } from './record-codec.js';
import { RECORD_OVERHEAD, type PushResult, type QueueListener, type QueuedRecord, type Segment } from './queue-records.js';

export type { PushResult, QueueListener, QueuedRecord } from './queue-records.js';


export class DeliveryQueue {
  private segments: Segment[] = [];
  private retries: QueuedRecord[] = [];
  private nextMemoryId = 1;
  private loadingOne = false;
  /** Segments left by the previous run not counted yet, and the count of them running in the background. */
  private uncounted = 0;
  private readonly census: Promise<void>;
  /** Bytes of undelivered events held in memory (queued or in flight: a request body is made of its records' bytes, see `packRequest`). */
  memoryBytes = 0;
  /** Records not yet delivered or dead-lettered (in memory, on disk or in flight). */
  outstanding = 0;
  /** Records in memory ready to be sent (not handed out yet). */
  readyCount = 0;
  readyBytes = 0;
  inFlight = 0;

  constructor(
    private readonly options: ResolvedTransportOptions,
    private readonly spool: SpoolFiles | undefined,
    private readonly listener: QueueListener,
  ) {
    for (const { id, bytes, count } of spool?.recovered ?? []) {
      // Counted from its count file when it has one (its records are checked when it is read back), else read to count it.
      const records = count?.records ?? 0;
      this.segments.push({ id, records: null, handed: 0, outstanding: records, sealed: true, bytes, firstAcceptedAt: count?.firstAcceptedAt ?? 0, loading: false, counted: count !== undefined, recovered: true, unchecked: count !== undefined });
      this.outstanding += records;
      if (!count) this.uncounted++;
    }
    this.openSegment(false);
    this.census = this.countRecovered();
  }

  /**
   * Counts the records of the segments left by the previous run that have no count file (the last one
   * written before a crash, say), one read at a time in the background (records kept only when the sender reaches them).
   */
  private async countRecovered(): Promise<void> {
    const recovered = this.segments.filter((seg) => !seg.counted);
    for (const seg of recovered) {
      if (seg.counted || seg.loading) continue;
      try {
        const result = await this.spool!.read(seg.id, false);
        if (!seg.counted) this.count(seg, result);
      } catch (error) {
        this.listener.readFailed(error as Error);
      }
      this.release(seg);
      this.listener.loaded();
    }
  }

  /** Records the count (and any damage) of a segment left by the previous run, read for the first time. */
  private count(seg: Segment, result: DecodeResult): void {
    seg.counted = true;
    this.uncounted--;
    seg.outstanding = result.records.length;
    this.outstanding += seg.outstanding;
    seg.firstAcceptedAt = result.records[0]?.acceptedAt ?? 0;
    if (result.skippedBytes) this.listener.damaged(seg.id, result);
  }

  /** Resolves once the segments left by the previous run are counted in `outstanding`. */
  counted(): Promise<void> {
    return this.census;
  }

  /** Nothing left: every record delivered or dead-lettered, and every segment of the previous run counted. */
  get drained(): boolean {
    return this.outstanding === 0 && this.uncounted === 0;
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  private openSegment(cold: boolean): void {
    const id = this.spool ? this.spool.activeSegment : this.nextMemoryId++;
    this.segments.push({ id, records: cold ? null : [], handed: 0, outstanding: 0, sealed: false, bytes: 0, firstAcceptedAt: 0, loading: false, counted: true });
  }

  /** Seals the active segment and opens the next; false when the spool could not open a new file (reported by it). */
  private rotate(cold: boolean): boolean {
    const active = this.active;
    if (this.spool) {
      const closed = this.spool.rotate();
      if (!closed) return false;
      active.bytes = closed.bytes;
    }
    active.sealed = true;
    this.openSegment(cold);
    this.release(active);
    return true;
  }

  /** Whether memory is at or over the cap. */
  get full(): boolean {
    return this.memoryBytes >= this.options.memoryCapBytes;
  }

  /**
   * Takes an event (its bulk chunk), applying the overflow policy past the memory cap; `kept` records
   * (checkpoints: small and few) are never dropped.
   */
  push(body: Buffer, facts: RecordFacts, kept = false): PushResult {
    const size = body.length + RECORD_OVERHEAD;
    const overCap = this.memoryBytes + size > this.options.memoryCapBytes;
    const spooling = this.spool !== undefined;
    if (overCap && this.options.overflow === 'drop-newest' && !kept) return 'dropped-memory';
    const toDisk = overCap && this.options.overflow === 'spool';
    if (spooling && this.spool!.totalBytes + size > this.options.maxSpoolBytes && !kept) return 'dropped-spool';
    let active = this.active;
    if (toDisk && active.records !== null && active.records.length === 0) {
      active.records = null; // an empty hot segment simply turns cold
    } else if (spooling && (this.spool!.activeSize >= this.options.segmentBytes || (toDisk && active.records !== null))) {
      // Rotate when full, or to start a cold segment; a new segment is hot again once memory is half free.
      this.rotate(toDisk || (active.records === null && this.memoryBytes > this.options.memoryCapBytes / 2));
      active = this.active;
    } else if (!spooling && active.records!.length >= 4096) {
      this.rotate(false);
      active = this.active;
    }
    if (active.outstanding === 0 && active.handed === (active.records?.length ?? 0)) active.firstAcceptedAt = facts.acceptedAt;
    active.outstanding++;
    this.outstanding++;
    const cold = active.records === null;
    this.spool?.append(body, facts, cold);
    if (cold) return 'spooled';
    active.records!.push({ acceptedAt: facts.acceptedAt, sequence: facts.sequence, eventId: facts.eventId, link: facts.link ?? '', body, attempts: 0, dueAt: 0, segment: active });
    this.memoryBytes += size;
    this.readyCount++;
    this.readyBytes += body.length;
    return 'memory';
  }

  /** A cold write was lost (disk error): forget those records. */
  lostCold(count: number): void {
    const active = this.active;
    active.outstanding -= count;
    this.outstanding -= count;
  }

  /** Retries due now first, then fresh records in segment order; loads a cold segment when one is next. */
  take(maxCount: number, maxBytes: number, now: number): QueuedRecord[] {
    const batch: QueuedRecord[] = [];
    let bytes = 0;
    const fits = (rec: QueuedRecord) => batch.length < maxCount && (batch.length === 0 || bytes + rec.body.length <= maxBytes);
    if (this.retries.length) {
      const later: QueuedRecord[] = [];
      for (const rec of this.retries) {
        if (rec.dueAt <= now && fits(rec)) {
          batch.push(rec);
          bytes += rec.body.length;
        } else later.push(rec);
      }
      this.retries = later;
    }
    for (const seg of this.segments) {
      if (batch.length >= maxCount || bytes >= maxBytes) break;
      if (seg.records === null) {
        // One segment read back at a time, and only when it fits under the memory cap.
        const size = seg.sealed ? seg.bytes : (this.spool?.activeSize ?? 0);
        const waiting = seg.outstanding > 0 || !seg.counted;
        if (waiting && !this.loadingOne && this.memoryBytes + size <= this.options.memoryCapBytes) this.load(seg);
        continue;
      }
      while (seg.handed < seg.records.length) {
        const rec = seg.records[seg.handed]!;
        if (!fits(rec)) break;
        seg.records[seg.handed] = undefined;
        seg.handed++;
        batch.push(rec);
        bytes += rec.body.length;
        this.readyCount--;
        this.readyBytes -= rec.body.length;
      }
    }
    this.inFlight += batch.length;
    return batch;
  }

  /** Reads a cold segment back into memory (rotating first when it is the one being written). */
  private load(seg: Segment): void {
    if (seg.loading || !this.spool) return;
    if (!seg.sealed) {
      if (seg.outstanding === 0) return;
      if (!this.rotate(this.memoryBytes > this.options.memoryCapBytes / 2)) return;
    }
    seg.loading = true;
    this.loadingOne = true;
    this.spool.read(seg.id).then(
      (result) => {
        seg.loading = false;
        this.loadingOne = false;
        if (!seg.counted) this.count(seg, result);
        else if (seg.unchecked && result.skippedBytes) this.listener.damaged(seg.id, result);
        seg.unchecked = false;
        // Records the spool could not read back (damaged since they were written) are lost: keep the books right.
        const lost = seg.outstanding - result.records.length;
        seg.outstanding -= lost;
        this.outstanding -= lost;
        seg.records = result.records.map(({ payload, ...facts }) => ({ ...facts, body: payload, attempts: 0, dueAt: 0, segment: seg, ...(seg.recovered ? { recovered: true } : {}) }));
        seg.handed = 0;
        for (const rec of seg.records) {
          this.memoryBytes += rec!.body.length + RECORD_OVERHEAD;
          this.readyCount++;
          this.readyBytes += rec!.body.length;
        }
        this.release(seg);
        this.listener.loaded();
      },
      (error: Error) => {
        seg.loading = false;
        this.loadingOne = false;
        this.listener.readFailed(error);
      },
    );
  }

  /** Puts a record back for another try after `delayMs`. */
  retry(rec: QueuedRecord, delayMs: number, now: number): void {
    this.inFlight--;
    rec.attempts++;
    rec.dueAt = now + delayMs;
    this.retries.push(rec);
  }

  /** Puts records back at once (e.g. the halves of a split batch). */
  requeue(recs: QueuedRecord[]): void {
    this.inFlight -= recs.length;
    for (const rec of recs) {
      rec.dueAt = 0;
      this.retries.push(rec);
    }
  }

  /** The record is delivered or dead-lettered: free it, and its segment once all of it is. */
  settle(rec: QueuedRecord): void {
    this.inFlight--;
    this.outstanding--;
    this.memoryBytes -= rec.body.length + RECORD_OVERHEAD;
    rec.segment.outstanding--;
    this.release(rec.segment);
  }

  private release(seg: Segment): void {
    if (!seg.sealed || seg.outstanding > 0 || seg.loading || !seg.counted) return;
    const i = this.segments.indexOf(seg);
    if (i >= 0) this.segments.splice(i, 1);
    if (this.spool) this.spool.remove(seg.id, seg.bytes);
  }

  /** Records waiting for a retry. */
  get retrying(): number {
    return this.retries.length;
  }

  /** Earliest time a retry is due, or undefined. */
  get nextDue(): number | undefined {
    let min: number | undefined;
    for (const rec of this.retries) if (min === undefined || rec.dueAt < min) min = rec.dueAt;
    return min;
  }

  /** Whether cold records wait on disk. */
  get coldWaiting(): boolean {
    return this.segments.some((s) => s.records === null && (s.outstanding > 0 || !s.counted));
  }

  /** Accept time of the oldest undelivered record, or undefined. */
  oldestAcceptedAt(): number | undefined {
    let oldest: number | undefined;
    for (const rec of this.retries) if (oldest === undefined || rec.acceptedAt < oldest) oldest = rec.acceptedAt;
    for (const seg of this.segments) {
      if (seg.outstanding > 0 && (oldest === undefined || seg.firstAcceptedAt < oldest)) oldest = seg.firstAcceptedAt;
    }
    return oldest;
  }

  /** On close: a fully delivered active segment is removed with the spool's files. */
  finish(): void {
    const active = this.active;
    if (this.spool && active.outstanding === 0 && this.spool.activeSize > 0) this.rotate(false);
  }
}
