// Spool record framing: magic, lengths, CRC32, accept time, sequence, chain link and event id around each bulk chunk; decoding skips damage.
import { crc32 } from 'node:zlib';
import { legacyChunkFacts } from './bulk-line.js';

/**
 * A record, all integers big-endian:
 *
 * | bytes | field |
 * |---|---|
 * | 4 | magic `ATS3` |
 * | 4 | payload length |
 * | 4 | CRC32 of everything after it (accept time to payload end) |
 * | 8 | acceptedAt, float64 ms since the epoch |
 * | 8 | sequence, uint64 |
 * | 32 | the event's chain link (zeros when it has none, e.g. a checkpoint) |
 * | 2 | event id length, in bytes |
 * | n | event id, UTF-8 |
 * | … | payload: the bulk chunk |
 *
 * Records of the earlier formats are still read: `ATS2` (the same without the link) and `ATS1`
 * (magic, length, CRC32, acceptedAt, payload; sequence and event id from the chunk, see `legacyChunkFacts`).
 */
const MAGIC = Buffer.from('ATS3');
const V2_MAGIC = Buffer.from('ATS2');
const LEGACY_MAGIC = Buffer.from('ATS1');
/** What every magic starts with: the reader resynchronises on it after damage. */
const MAGIC_PREFIX = Buffer.from('ATS');
/** Fixed part of the header, before the event id. */
export const HEADER_BYTES = 62;
const V2_HEADER_BYTES = 30;
const LINK_AT = 28;
const NO_LINK = Buffer.alloc(32);
const LEGACY_HEADER_BYTES = 20;
/** Offset of the first byte the CRC covers. */
const CRC_FROM = 12;

/** What a spool record says about its event besides the chunk. */
export interface RecordFacts {
  /** When the transport took the event, in ms since the epoch. */
  acceptedAt: number;
  /** The `event.sequence` the transport stamped (0 when unknown). */
  sequence: number;
  /** The `_id` of the chunk's action line. */
  eventId: string;
  /** The event's chain link (hex); none (or '') when it has none. */
  link?: string;
}

/** The most bytes the header of `eventId` can take (UTF-8 needs at most 3 bytes per UTF-16 unit). */
export const maxHeaderBytes = (eventId: string) => HEADER_BYTES + 3 * eventId.length;

/**
 * Writes the header for `payload` (the fixed part followed by the event id) into `target` at `at`, which
 * must have `maxHeaderBytes(facts.eventId)` bytes of room; returns its length. No allocation per record.
 */
export function encodeHeaderInto(target: Buffer, at: number, payload: Buffer, facts: RecordFacts): number {
  if (!Number.isSafeInteger(facts.sequence) || facts.sequence < 0) throw new RangeError(`sequence ${facts.sequence} is not a whole number from 0`);
  const idBytes = target.write(facts.eventId, at + HEADER_BYTES, 'utf8');
  if (idBytes > 0xffff) throw new RangeError(`event id of ${idBytes} bytes does not fit a spool record`);
  MAGIC.copy(target, at);
  target.writeUInt32BE(payload.length, at + 4);
  target.writeDoubleBE(facts.acceptedAt, at + 12);
  target.writeUInt32BE(Math.floor(facts.sequence / 2 ** 32), at + 20);
  target.writeUInt32BE(facts.sequence >>> 0, at + 24);
  if (facts.link) target.write(facts.link, at + LINK_AT, 32, 'hex');
  else NO_LINK.copy(target, at + LINK_AT);
  target.writeUInt16BE(idBytes, at + HEADER_BYTES - 2);
  const end = at + HEADER_BYTES + idBytes;
  target.writeUInt32BE(crc32(payload, crc32(target.subarray(at + CRC_FROM, end))), at + 8);
  return end - at;
}

/** The header for `payload` in a buffer of its own. */
export function encodeHeader(payload: Buffer, facts: RecordFacts): Buffer {
  const header = Buffer.allocUnsafe(maxHeaderBytes(facts.eventId));
  return header.subarray(0, encodeHeaderInto(header, 0, payload, facts));
}

/** One record read back. */
export interface DecodedRecord extends RecordFacts {
  payload: Buffer;
  link: string;
}

export interface DecodeResult {
  records: DecodedRecord[];
  /** Bytes that were not part of any valid record (corruption or a torn tail). */
  skippedBytes: number;
  /** Damaged stretches found (each may have held one or more records). */
  damaged: number;
}

/** The valid record at `offset` and its size, or undefined. */
function recordAt(segment: Buffer, offset: number): { record: DecodedRecord; size: number } | undefined {
  if (offset + LEGACY_HEADER_BYTES > segment.length) return undefined;
  const v3 = segment.compare(MAGIC, 0, 4, offset, offset + 4) === 0;
  if (v3 || segment.compare(V2_MAGIC, 0, 4, offset, offset + 4) === 0) {
    const headerBytes = v3 ? HEADER_BYTES : V2_HEADER_BYTES;
    if (offset + headerBytes > segment.length) return undefined;
    const idEnd = offset + headerBytes + segment.readUInt16BE(offset + headerBytes - 2);
    const end = idEnd + segment.readUInt32BE(offset + 4);
    if (end > segment.length) return undefined;
    const covered = segment.subarray(offset + CRC_FROM, end);
    if (crc32(covered) !== segment.readUInt32BE(offset + 8)) return undefined;
    const sequence = segment.readBigUInt64BE(offset + 20);
    if (sequence > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    const linked = v3 && segment.compare(NO_LINK, 0, 32, offset + LINK_AT, offset + LINK_AT + 32) !== 0;
    return {
      record: {
        payload: segment.subarray(idEnd, end),
        acceptedAt: segment.readDoubleBE(offset + 12),
        sequence: Number(sequence),
        eventId: segment.toString('utf8', offset + headerBytes, idEnd),
        link: linked ? segment.toString('hex', offset + LINK_AT, offset + LINK_AT + 32) : '',
      },
      size: end - offset,
    };
  }
  if (segment.compare(LEGACY_MAGIC, 0, 4, offset, offset + 4) === 0) {
    const end = offset + LEGACY_HEADER_BYTES + segment.readUInt32BE(offset + 4);
    if (end > segment.length) return undefined;
    const payload = segment.subarray(offset + LEGACY_HEADER_BYTES, end);
    if (crc32(payload, crc32(segment.subarray(offset + CRC_FROM, offset + LEGACY_HEADER_BYTES))) !== segment.readUInt32BE(offset + 8)) return undefined;
    return { record: { payload, acceptedAt: segment.readDoubleBE(offset + 12), ...legacyChunkFacts(payload), link: '' }, size: end - offset };
  }
  return undefined;
}

/** Decodes a whole segment; a bad record is skipped by scanning for the next valid one. */
export function decodeRecords(segment: Buffer): DecodeResult {
  const records: DecodedRecord[] = [];
  let offset = 0;
  let skippedBytes = 0;
  let damaged = 0;
  let inDamage = false;
  while (offset < segment.length) {
    const found = recordAt(segment, offset);
    if (found) {
      records.push(found.record);
      offset += found.size;
      inDamage = false;
      continue;
    }
    if (!inDamage) damaged++;
    inDamage = true;
    const next = segment.indexOf(MAGIC_PREFIX, offset + 1);
    const to = next < 0 ? segment.length : next;
    skippedBytes += to - offset;
    offset = to;
  }
  return { records, skippedBytes, damaged };
}

/**
 * The last valid record of `tail` (the end of a segment, read from any offset) that is `wanted`, or
 * undefined: found by scanning back for a magic whose record checks out, so a torn or damaged end is passed over.
 */
export function lastRecordIn(tail: Buffer, wanted: (record: DecodedRecord) => boolean = () => true): DecodedRecord | undefined {
  for (let at = tail.lastIndexOf(MAGIC_PREFIX); at >= 0; at = at === 0 ? -1 : tail.lastIndexOf(MAGIC_PREFIX, at - 1)) {
    const found = recordAt(tail, at);
    if (found && wanted(found.record)) return found.record;
  }
  return undefined;
}
