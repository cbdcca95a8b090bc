// Opening a spool directory: its lock, producer id and sequence, and the segments left by the previous run (listed, not read).
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, closeSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../model/errors.js';
import { lastRecordIn } from './record-codec.js';
import { GENESIS_LINK } from '../integrity/chain.js';
import { newProducerId } from './options.js';
import { releaseSpoolLock, takeSpoolLock } from './spool-lock.js';
import { countName, readSegmentCount, type SegmentCount } from './spool-counts.js';

const SEGMENT = /^segment-(\d{12})\.spool$/;
const COUNT = /^segment-\d{12}\.count$/;
/** The sequence file: the last sequence given (uint64) and the chain link after it (32 bytes). */
export const SEQUENCE_FILE_BYTES = 40;
export const segmentName = (id: number) => `segment-${String(id).padStart(12, '0')}.spool`;

/** A segment found on disk at start: read back only when the sender reaches it; `count` from its count file when it has a valid one. */
export interface RecoveredSegment {
  id: number;
  bytes: number;
  count?: SegmentCount;
}

/** What opening a spool directory found. */
export interface OpenedSpool {
  producerId: string;
  lastSequence: number;
  /** The chain head after `lastSequence` (the genesis link before the first event). */
  lastLink: string;
  /** The sequence file, open for positional writes. */
  seqFd: number;
  recovered: RecoveredSegment[];
  /** The id the next segment is written to. */
  nextSegment: number;
}

/** The tail read to find the last record of a segment; doubled while no whole record is in it. */
const TAIL_BYTES = 64 * 1024;

/** The sequence and link of the last valid event record of a segment (checkpoints have neither), reading only as much of its end as needed. */
function lastEventIn(path: string, size: number): { sequence: number; link: string } {
  const fd = openSync(path, 'r');
  try {
    for (let window = Math.min(size, TAIL_BYTES); ; window = Math.min(size, window * 2)) {
      const tail = Buffer.allocUnsafe(window);
      const read = readSync(fd, tail, 0, window, size - window);
      const last = lastRecordIn(tail.subarray(0, read), (record) => record.sequence > 0);
      if (last || window === size) return { sequence: last?.sequence ?? 0, link: last?.link ?? '' };
    }
  } finally {
    closeSync(fd);
  }
}

/** Takes the lock of `dir` (creating it), reads its producer id and sequence, and lists its segments. */
export function openSpoolDir(dir: string, producerId: string | undefined): OpenedSpool {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new ConfigurationError('spoolDir', `cannot be created (${(error as Error).message}): give a writable directory`);
  }
  const lock = join(dir, 'lock');
  takeSpoolLock(lock);
  try {
    const producerFile = join(dir, 'producer.json');
    const stored = existsSync(producerFile) ? (JSON.parse(readFileSync(producerFile, 'utf8')) as { producerId?: string }).producerId : undefined;
    const producer = producerId ?? stored ?? newProducerId();
    if (producer !== stored) writeFileSync(producerFile, JSON.stringify({ producerId: producer }) + '\n');
    const seqFile = join(dir, 'sequence');
    // A new producer id starts its own sequence.
    const storedSeq = producer === stored && existsSync(seqFile) ? readFileSync(seqFile) : Buffer.alloc(0);
    let lastSequence = storedSeq.length >= 8 ? Number(storedSeq.readBigUInt64BE(0)) : 0;
    // The link follows the sequence (zeros, the genesis link, in a file written before links were kept).
    let lastLink = storedSeq.length >= SEQUENCE_FILE_BYTES ? storedSeq.toString('hex', 8, SEQUENCE_FILE_BYTES) : GENESIS_LINK;
    if (!existsSync(seqFile) || producer !== stored) writeFileSync(seqFile, Buffer.alloc(SEQUENCE_FILE_BYTES));
    // r+, not a: Linux appends positional writes to a file opened for appending.
    const seqFd = openSync(seqFile, 'r+');
    const recovered: RecoveredSegment[] = [];
    let maxId = 0;
    const names = readdirSync(dir).sort();
    for (const name of names) {
      const match = SEGMENT.exec(name);
      if (!match) continue;
      const id = Number(match[1]);
      maxId = Math.max(maxId, id);
      const bytes = statSync(join(dir, name)).size;
      if (bytes === 0) unlinkSync(join(dir, name));
      const count = bytes === 0 ? undefined : readSegmentCount(dir, name, bytes);
      if (bytes > 0) recovered.push(count ? { id, bytes, count } : { id, bytes });
    }
    // A count file whose segment is gone (a crash between the two removals) must not be taken for a later segment's.
    const counted = new Set(recovered.map((seg) => countName(segmentName(seg.id))));
    for (const name of names) if (COUNT.test(name) && !counted.has(name)) unlinkSync(join(dir, name));
    const last = recovered.at(-1);
    if (last && producer === stored) {
      // The sequence file is written just after the segment: the last record's header may be one write ahead of it.
      const lastEvent = lastEventIn(join(dir, segmentName(last.id)), last.bytes);
      if (lastEvent.sequence > lastSequence) {
        lastSequence = lastEvent.sequence;
        if (lastEvent.link) lastLink = lastEvent.link;
      }
    }
    return { producerId: producer, lastSequence, lastLink, seqFd, recovered, nextSegment: maxId + 1 };
  } catch (error) {
    releaseSpoolLock(lock);
    throw error;
  }
}
