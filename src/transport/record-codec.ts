// Spool record framing: magic, length, CRC32 and accept time around each bulk chunk; decoding skips damage.
import { crc32 } from 'node:zlib';

/** `ATS1`: marks the start of every record, so a reader can find the next one after damage. */
const MAGIC = 0x41545331;
/** magic(4) length(4) crc32(4) acceptedAt(8, float64 ms). */
export const HEADER_BYTES = 20;

/** The header for `payload` (the CRC covers the accept time and the payload). */
export function encodeHeader(payload: Buffer, acceptedAt: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(MAGIC, 0);
  header.writeUInt32BE(payload.length, 4);
  header.writeDoubleBE(acceptedAt, 12);
  header.writeUInt32BE(crc32(payload, crc32(header.subarray(12, 20))), 8);
  return header;
}

export interface DecodedRecord {
  payload: Buffer;
  acceptedAt: number;
}

export interface DecodeResult {
  records: DecodedRecord[];
  /** Bytes that were not part of any valid record (corruption or a torn tail). */
  skippedBytes: number;
  /** Damaged stretches found (each may have held one or more records). */
  damaged: number;
}

function validAt(buf: Buffer, at: number): DecodedRecord | undefined {
  if (at + HEADER_BYTES > buf.length || buf.readUInt32BE(at) !== MAGIC) return undefined;
  const length = buf.readUInt32BE(at + 4);
  const end = at + HEADER_BYTES + length;
  if (end > buf.length) return undefined;
  const payload = buf.subarray(at + HEADER_BYTES, end);
  const crc = crc32(payload, crc32(buf.subarray(at + 12, at + 20)));
  if (crc !== buf.readUInt32BE(at + 8)) return undefined;
  return { payload, acceptedAt: buf.readDoubleBE(at + 12) };
}

/** Decodes a whole segment; a bad record is skipped by scanning for the next valid one. */
export function decodeRecords(buf: Buffer): DecodeResult {
  const records: DecodedRecord[] = [];
  let at = 0;
  let skippedBytes = 0;
  let damaged = 0;
  let inDamage = false;
  const magic = Buffer.from('ATS1');
  while (at < buf.length) {
    const record = validAt(buf, at);
    if (record) {
      records.push(record);
      at += HEADER_BYTES + record.payload.length;
      inDamage = false;
      continue;
    }
    if (!inDamage) damaged++;
    inDamage = true;
    const next = buf.indexOf(magic, at + 1);
    const to = next < 0 ? buf.length : next;
    skippedBytes += to - at;
    at = to;
  }
  return { records, skippedBytes, damaged };
}
