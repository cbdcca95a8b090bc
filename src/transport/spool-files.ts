// The spool directory on disk: append-only segment files, coalesced writes, syncing, reading back and removal.
import { close, closeSync, fdatasync, fdatasyncSync, openSync, unlinkSync, writeSync, writevSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeRecords, encodeHeaderInto, maxHeaderBytes, type DecodeResult, type RecordFacts } from './record-codec.js';
import type { SyncPolicy } from './options.js';
import { releaseSpoolLock } from './spool-lock.js';
import { removeSegmentCount, writeSegmentCount } from './spool-counts.js';
import { openSpoolDir, segmentName, SEQUENCE_FILE_BYTES, type RecoveredSegment } from './spool-open.js';

export type { RecoveredSegment } from './spool-open.js';

/** Size of the buffer the headers of one turn's records are written into (about 500 records). */
const HEADER_ARENA_BYTES = 64 * 1024;

/** Reports of the spool to its owner. */
export interface SpoolListener {
  /** A write, sync or new segment failed (e.g. disk full); `lostCold` records written only to disk were lost. */
  writeFailed(error: Error, lostCold: number): void;
}

/** Owns the files of a spool directory. All writes are synchronous appends, coalesced per event-loop turn. */
export class SpoolFiles {
  readonly producerId: string;
  /** Highest sequence number written (or found) so far. */
  lastSequence: number;
  /** The chain head after `lastSequence`, kept with it. */
  lastLink: string;
  private readonly seqFd: number;
  private activeId: number;
  private activeFd: number;
  private activeBytes = 0;
  private pending: Buffer[] = [];
  /** Headers of the pending records, written one after another (see `append`). */
  private headers = Buffer.allocUnsafeSlow(HEADER_ARENA_BYTES);
  private headersAt = 0;
  private pendingBytes = 0;
  private pendingCold = 0;
  private pendingRecords = 0;
  private pendingFirstAcceptedAt = 0;
  /** Records written to the active segment, and the accept time of its first (for its count file). */
  private activeRecords = 0;
  private activeFirstAcceptedAt = 0;
  private pendingSequence = 0;
  private pendingLink: string;
  private writeScheduled = false;
  private syncTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  /** Descriptors with asynchronous syncs in flight, and how many. */
  private readonly syncing = new Map<number, number>();
  private readonly closeAfterSync = new Set<number>();
  private closed = false;
  /** Bytes in all segment files, including writes not yet made. */
  totalBytes = 0;
  /** Segments left by the previous run, oldest first (listed, not read). */
  readonly recovered: RecoveredSegment[];

  constructor(
    readonly dir: string,
    private readonly sync: SyncPolicy,
    syncIntervalMs: number,
    private readonly listener: SpoolListener,
    producerId: string | undefined,
  ) {
    const opened = openSpoolDir(dir, producerId);
    this.producerId = opened.producerId;
    this.lastSequence = opened.lastSequence;
    this.lastLink = this.pendingLink = opened.lastLink;
    this.seqFd = opened.seqFd;
    this.recovered = opened.recovered;
    for (const seg of this.recovered) this.totalBytes += seg.bytes;
    this.activeId = opened.nextSegment;
    try {
      this.activeFd = openSync(join(dir, segmentName(this.activeId)), 'a');
    } catch (error) {
      closeSync(this.seqFd);
      releaseSpoolLock(join(dir, 'lock'));
      throw error;
    }
    if (sync === 'interval') {
      this.syncTimer = setInterval(() => this.syncNow(), syncIntervalMs);
      this.syncTimer.unref();
    }
  }

  /** Records the pending sequence and chain head in the sequence file (one positional write). */
  private writeSequence(): void {
    this.lastSequence = this.pendingSequence;
    this.lastLink = this.pendingLink;
    const bytes = Buffer.alloc(SEQUENCE_FILE_BYTES);
    bytes.writeBigUInt64BE(BigInt(this.lastSequence), 0);
    bytes.write(this.lastLink, 8, 32, 'hex');
    writeSync(this.seqFd, bytes, 0, SEQUENCE_FILE_BYTES, 0);
  }

  /** The id of the segment new records go to. */
  get activeSegment(): number {
    return this.activeId;
  }

  /** Bytes in the active segment, written or pending. */
  get activeSize(): number {
    return this.activeBytes;
  }

  /**
   * Queues a record for the active segment; written at the end of this event-loop turn (or by `writeNow`).
   * Its header is written into the turn's header buffer (a new one only when full), reused once written.
   */
  append(payload: Buffer, facts: RecordFacts, cold: boolean): void {
    if (this.headersAt + maxHeaderBytes(facts.eventId) > this.headers.length) {
      this.headers = Buffer.allocUnsafeSlow(Math.max(HEADER_ARENA_BYTES, maxHeaderBytes(facts.eventId)));
      this.headersAt = 0;
    }
    const at = this.headersAt;
    this.headersAt += encodeHeaderInto(this.headers, at, payload, facts);
    const header = this.headers.subarray(at, this.headersAt);
    this.pending.push(header, payload);
    if (this.pendingRecords++ === 0) this.pendingFirstAcceptedAt = facts.acceptedAt;
    const size = header.length + payload.length;
    this.pendingBytes += size;
    this.activeBytes += size;
    this.totalBytes += size;
    if (cold) this.pendingCold++;
    if (facts.sequence > this.pendingSequence) {
      this.pendingSequence = facts.sequence;
      if (facts.link) this.pendingLink = facts.link;
    }
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      setImmediate(() => this.writeNow());
    }
  }

  /**
   * A sequence number was used without a record (a known drop): kept with the next write, so it is never
   * given again; `link` when the dropped event had joined the chain (the head moved past it).
   */
  noteSequence(sequence: number, link?: string): void {
    if (sequence > this.pendingSequence) {
      this.pendingSequence = sequence;
      if (link) this.pendingLink = link;
    }
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      setImmediate(() => this.writeNow());
    }
  }

  /** Writes the pending records (then the sequence). Returns false when the write failed. */
  writeNow(): boolean {
    this.writeScheduled = false;
    if (this.closed) return true;
    if (!this.pending.length) {
      if (this.pendingSequence > this.lastSequence) this.writeSequence();
      return true;
    }
    const chunks = this.pending;
    const bytes = this.pendingBytes;
    const cold = this.pendingCold;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingCold = 0;
    const records = this.pendingRecords;
    this.pendingRecords = 0;
    this.headersAt = 0; // the writes below are synchronous: the header buffer is free again after them
    try {
      let written = 0;
      let from = 0;
      while (from < chunks.length) {
        const part = chunks.slice(from, from + 1024); // writev takes at most IOV_MAX buffers
        written += writevSync(this.activeFd, part);
        from += part.length;
      }
      if (written !== bytes) throw new Error(`short write to the spool (${written} of ${bytes} bytes)`);
      if (this.activeRecords === 0) this.activeFirstAcceptedAt = this.pendingFirstAcceptedAt;
      this.activeRecords += records;
      if (this.pendingSequence > this.lastSequence) this.writeSequence();
      this.dirty = true;
      if (this.sync === 'always') this.syncNow(true);
      return true;
    } catch (error) {
      this.activeBytes -= bytes;
      this.totalBytes -= bytes;
      this.listener.writeFailed(error as Error, cold);
      return false;
    }
  }

  /** fdatasync of the active segment and the sequence file. */
  syncNow(blocking = false): void {
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    if (blocking) {
      fdatasyncSync(this.activeFd);
      fdatasyncSync(this.seqFd);
      return;
    }
    this.syncAsync(this.activeFd);
  }

  /** fdatasync off the event loop; a descriptor is closed only once its syncs are done (its number is never reused under them). */
  private syncAsync(fd: number): void {
    this.syncing.set(fd, (this.syncing.get(fd) ?? 0) + 1);
    fdatasync(fd, (error) => {
      const left = this.syncing.get(fd)! - 1;
      if (left > 0) this.syncing.set(fd, left);
      else this.syncing.delete(fd);
      if (error && !this.closed) this.listener.writeFailed(error, 0);
      if (left === 0 && this.closeAfterSync.delete(fd)) close(fd, () => undefined);
    });
  }

  private closeFd(fd: number): void {
    if (this.syncing.has(fd)) this.closeAfterSync.add(fd);
    else close(fd, () => undefined);
  }

  /**
   * Starts a new active segment; returns the id and size of the one just closed, or undefined when the
   * new segment could not be opened (reported; records keep going to the current one).
   */
  rotate(): { id: number; bytes: number } | undefined {
    this.writeNow();
    let nextFd: number;
    try {
      nextFd = openSync(join(this.dir, segmentName(this.activeId + 1)), 'a');
    } catch (error) {
      this.listener.writeFailed(error as Error, 0);
      return undefined;
    }
    const old = { id: this.activeId, bytes: this.activeBytes };
    const oldFd = this.activeFd;
    this.writeCount();
    this.activeFd = nextFd;
    this.activeId++;
    this.activeBytes = 0;
    this.activeRecords = 0;
    // The closed segment's last writes are synced off the event loop, then its descriptor is closed.
    if (this.dirty && this.sync !== 'none') this.syncAsync(oldFd);
    this.dirty = false;
    this.closeFd(oldFd);
    return old;
  }

  /**
   * Reads back a closed segment. To `keep` the records, each payload is copied out, so that no record
   * (a retried one, say) pins the whole segment's buffer; without, they are only counted.
   */
  async read(id: number, keep = true): Promise<DecodeResult> {
    const result = decodeRecords(await readFile(join(this.dir, segmentName(id))));
    if (keep) for (const record of result.records) record.payload = Buffer.from(record.payload);
    return result;
  }

  /** Writes the count file of the active segment as it is closed (a failure only costs a read at the next start). */
  private writeCount(): void {
    if (this.activeBytes === 0) return;
    try {
      writeSegmentCount(this.dir, segmentName(this.activeId), { records: this.activeRecords, bytes: this.activeBytes, firstAcceptedAt: this.activeFirstAcceptedAt });
    } catch {
      removeSegmentCount(this.dir, segmentName(this.activeId));
    }
  }

  /** Deletes a closed segment whose records are all delivered or dead-lettered (its count file first). */
  remove(id: number, bytes: number): void {
    this.totalBytes -= bytes;
    removeSegmentCount(this.dir, segmentName(id));
    try {
      unlinkSync(join(this.dir, segmentName(id)));
    } catch {
      /* already gone */
    }
  }

  /** Writes and syncs what is pending, closes the files and releases the lock. Empty active segment removed. */
  close(): void {
    if (this.closed) return;
    this.writeNow();
    if (this.dirty && this.sync !== 'none') this.syncNow(true);
    this.closed = true;
    this.writeCount();
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.closeFd(this.activeFd);
    closeSync(this.seqFd);
    if (this.activeBytes === 0) {
      try {
        unlinkSync(join(this.dir, segmentName(this.activeId)));
      } catch {
        /* already gone */
      }
    }
    releaseSpoolLock(join(this.dir, 'lock'));
  }
}
