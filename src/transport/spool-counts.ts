// The count file beside each closed spool segment: how many records it holds, so a restart counts them without reading the segment.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a closed segment holds, as written when it was closed. */
export interface SegmentCount {
  /** Records written to it. */
  records: number;
  /** Its size when closed: a count is trusted only while the segment still has exactly this size. */
  bytes: number;
  /** Accept time of its first record (ms since the epoch). */
  firstAcceptedAt: number;
}

export const countName = (segmentFile: string) => segmentFile.replace(/\.spool$/, '.count');

/** Writes the count of a segment just closed. Not synced: a count lost with a crash only means that segment is read to count it. */
export function writeSegmentCount(dir: string, segmentFile: string, count: SegmentCount): void {
  writeFileSync(join(dir, countName(segmentFile)), `${JSON.stringify(count)}\n`);
}

/** The count of a segment of `bytes`, or undefined when there is none, it is damaged or it does not match the segment's size. */
export function readSegmentCount(dir: string, segmentFile: string, bytes: number): SegmentCount | undefined {
  let count: Partial<SegmentCount>;
  try {
    count = JSON.parse(readFileSync(join(dir, countName(segmentFile)), 'utf8')) as Partial<SegmentCount>;
  } catch {
    return undefined;
  }
  const whole = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!whole(count.records) || count.bytes !== bytes || typeof count.firstAcceptedAt !== 'number') return undefined;
  return { records: count.records, bytes, firstAcceptedAt: count.firstAcceptedAt };
}

/** Removes the count of a segment (before the segment itself, so no count outlives its segment but by a crash). */
export function removeSegmentCount(dir: string, segmentFile: string): void {
  try {
    unlinkSync(join(dir, countName(segmentFile)));
  } catch {
    /* none was written */
  }
}
