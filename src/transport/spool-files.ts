// The spool directory on disk: lock, producer id, sequence, append-only segment files, coalesced writes and syncing.
import {
  closeSync, existsSync, fdatasync, fdatasyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync, writevSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError } from '../model/errors.js';
import { decodeRecords, encodeHeader, type DecodeResult, type RecordFacts } from './record-codec.js';
import { newProducerId, type SyncPolicy } from './options.js';
import { releaseSpoolLock, takeSpoolLock } from './spool-lock.js';

const SEGMENT = /^segment-(\d{12})\.spool$/;
const segmentName = (id: number) => `segment-${String(id).padStart(12, '0')}.spool`;

/** A segment found on disk at start. */
export interface RecoveredSegment {
  id: number;
  bytes: number;
  decoded: DecodeResult;
}

/** Reports of the spool to its owner. */
export interface SpoolListener {
  /** A write or sync failed (e.g. disk full); `lostCold` records written only to disk were lost. */
  writeFailed(error: Error, lostCold: number): void;
}


/** Owns the files of a spool directory. All writes are synchronous appends, coalesced per event-loop turn. */
export class SpoolFiles {
  readonly producerId: string;
  /** Highest sequence number written (or found) so far. */
  lastSequence: number;
  private readonly seqFd: number;
  private activeId: number;
  private activeFd: number;
  private activeBytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingCold = 0;
  private pendingSequence = 0;
  private writeScheduled = false;
  private syncTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  private closed = false;
  /** Bytes in all segment files, including writes not yet made. */
  totalBytes = 0;
  readonly recovered: RecoveredSegment[] = [];

  constructor(
    readonly dir: string,
    private readonly sync: SyncPolicy,
    syncIntervalMs: number,
    private readonly listener: SpoolListener,
    producerId: string | undefined,
  ) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new ConfigurationError('spoolDir', `cannot be created (${(error as Error).message}): give a writable directory`);
    }
    takeSpoolLock(join(dir, 'lock'));
    const producerFile = join(dir, 'producer.json');
    const stored = existsSync(producerFile) ? (JSON.parse(readFileSync(producerFile, 'utf8')) as { producerId?: string }).producerId : undefined;
    this.producerId = producerId ?? stored ?? newProducerId();
    if (this.producerId !== stored) writeFileSync(producerFile, JSON.stringify({ producerId: this.producerId }) + '\n');
    const seqFile = join(dir, 'sequence');
    // A new producer id starts its own sequence.
    const storedSeq = this.producerId === stored && existsSync(seqFile) ? readFileSync(seqFile) : Buffer.alloc(0);
    this.lastSequence = storedSeq.length >= 8 ? Number(storedSeq.readBigUInt64BE(0)) : 0;
    if (!existsSync(seqFile)) writeFileSync(seqFile, Buffer.alloc(8));
    // r+, not a: Linux appends positional writes to a file opened for appending.
    this.seqFd = openSync(seqFile, 'r+');
    if (this.producerId !== stored) this.writeSequence(0);
    let maxId = 0;
    for (const name of readdirSync(dir).sort()) {
      const match = SEGMENT.exec(name);
      if (!match) continue;
      const id = Number(match[1]);
      maxId = Math.max(maxId, id);
      const contents = readFileSync(join(dir, name));
      const decoded = decodeRecords(contents);
      if (decoded.records.length === 0 && decoded.skippedBytes === 0) {
        unlinkSync(join(dir, name));
        continue;
      }
      this.recovered.push({ id, bytes: contents.length, decoded });
      this.totalBytes += contents.length;
      // The sequence file is written just after the segment: the last record's header may be one write ahead of it.
      const lastSequence = decoded.records.at(-1)?.sequence ?? 0;
      if (lastSequence > this.lastSequence && this.producerId === stored) this.lastSequence = lastSequence;
    }
    this.activeId = maxId + 1;
    this.activeFd = openSync(join(dir, segmentName(this.activeId)), 'a');
    if (sync === 'interval') {
      this.syncTimer = setInterval(() => this.syncNow(), syncIntervalMs);
      this.syncTimer.unref();
    }
  }

  private writeSequence(sequence: number): void {
    const bytes = Buffer.allocUnsafe(8);
    bytes.writeBigUInt64BE(BigInt(sequence), 0);
    writeSync(this.seqFd, bytes, 0, 8, 0);
  }

  /** The id of the segment new records go to. */
  get activeSegment(): number {
    return this.activeId;
  }

  /** Bytes in the active segment, written or pending. */
  get activeSize(): number {
    return this.activeBytes;
  }

  /** Queues a record for the active segment; written at the end of this event-loop turn (or by `writeNow`). */
  append(payload: Buffer, facts: RecordFacts, cold: boolean): void {
    const header = encodeHeader(payload, facts);
    this.pending.push(header, payload);
    const size = header.length + payload.length;
    this.pendingBytes += size;
    this.activeBytes += size;
    this.totalBytes += size;
    if (cold) this.pendingCold++;
    if (facts.sequence > this.pendingSequence) this.pendingSequence = facts.sequence;
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      setImmediate(() => this.writeNow());
    }
  }

  /** Writes the pending records (then the sequence). Returns false when the write failed. */
  writeNow(): boolean {
    this.writeScheduled = false;
    if (!this.pending.length || this.closed) return true;
    const chunks = this.pending;
    const bytes = this.pendingBytes;
    const cold = this.pendingCold;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingCold = 0;
    try {
      let written = 0;
      let from = 0;
      while (from < chunks.length) {
        const part = chunks.slice(from, from + 1024); // writev takes at most IOV_MAX buffers
        written += writevSync(this.activeFd, part);
        from += part.length;
      }
      if (written !== bytes) throw new Error(`short write to the spool (${written} of ${bytes} bytes)`);
      if (this.pendingSequence > this.lastSequence) {
        this.lastSequence = this.pendingSequence;
        this.writeSequence(this.lastSequence);
      }
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
    fdatasync(this.activeFd, (error) => {
      if (error && !this.closed) this.listener.writeFailed(error, 0);
    });
  }

  /** Starts a new active segment; returns the id and size of the one just closed. */
  rotate(): { id: number; bytes: number } {
    this.writeNow();
    const old = { id: this.activeId, bytes: this.activeBytes };
    if (this.dirty) this.syncNow(true);
    closeSync(this.activeFd);
    this.activeId++;
    this.activeBytes = 0;
    this.activeFd = openSync(join(this.dir, segmentName(this.activeId)), 'a');
    return old;
  }

  /** Reads back a closed segment. */
  async read(id: number): Promise<DecodeResult> {
    return decodeRecords(await readFile(join(this.dir, segmentName(id))));
  }

  /** Deletes a closed segment whose records are all delivered or dead-lettered. */
  remove(id: number, bytes: number): void {
    this.totalBytes -= bytes;
    try {
      unlinkSync(join(this.dir, segmentName(id)));
    } catch {
      /* already gone */
    }
  }

  /** Size of a closed segment on disk. */
  sizeOf(id: number): number {
    try {
      return statSync(join(this.dir, segmentName(id))).size;
    } catch {
      return 0;
    }
  }

  /** Writes and syncs what is pending, closes the files and releases the lock. Empty active segment removed. */
  close(): void {
    if (this.closed) return;
    this.writeNow();
    if (this.dirty && this.sync !== 'none') this.syncNow(true);
    this.closed = true;
    if (this.syncTimer) clearInterval(this.syncTimer);
    closeSync(this.activeFd);
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
