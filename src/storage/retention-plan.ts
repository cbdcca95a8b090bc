// What a retention run does to a namespace's backing indices, decided from their newest event, the settings and the time: pure, so a dry run and a real run say the same.
import { periodMs, sizeBytes, type RetentionSettings } from './retention-settings.js';

/** A backing index of the events' data stream as the job sees it. */
export interface BackingIndex {
  name: string;
  /** The data stream's write index: never deleted. */
  write: boolean;
  /** ISO creation time (rollover age counts from it). */
  created: string;
  /** ISO time of its newest event (its age for retention), absent when it holds none. */
  newest?: string;
  docs: number;
  /** Primary store size in bytes. */
  bytes: number;
}

export type IndexFate = 'delete' | 'keep';

export interface IndexDecision extends BackingIndex {
  fate: IndexFate;
  /** Why, in words. */
  why: string;
}

export interface RetentionPlan {
  /** Why the write index is rolled over first, when it is. */
  rollover?: string;
  /** Events older than this go (ISO); absent when the namespace keeps everything. */
  before?: string;
  decisions: IndexDecision[];
}

/**
 * The plan: roll the write index over when it holds events and is older than `rolloverAge` (since created) or larger than
 * `rolloverSize`; then every other backing index whose newest event is older than the period is deleted — never the write
 * index (after a rollover the old one is judged like the others), never anything while the namespace is on legal hold.
 */
export function planRetention(indices: readonly BackingIndex[], settings: RetentionSettings, now: Date): RetentionPlan {
  const keepMs = periodMs(settings.keep);
  const before = keepMs === undefined ? undefined : new Date(now.getTime() - keepMs).toISOString();
  const write = indices.find((i) => i.write);
  const rollover = write && write.docs > 0 ? rolloverReason(write, settings, now) : undefined;
  const decisions = indices.map((index): IndexDecision => {
    const after = rollover && index.write ? 'after the rollover, ' : '';
    const judge = (fate: IndexFate, why: string): IndexDecision => ({ ...index, fate, why: `${after}${why}` });
    if (index.write && !rollover) return judge('keep', 'the write index');
    if (settings.hold) return judge('keep', `legal hold since ${settings.hold.since}: ${settings.hold.reason}`);
    if (before === undefined) return judge('keep', 'the namespace keeps events forever');
    if (index.newest === undefined) return judge('keep', 'holds no event to date it');
    if (index.newest < before) return judge('delete', `its newest event is older than ${settings.keep} (before ${before})`);
    return judge('keep', `its newest event is within ${settings.keep}`);
  });
  return { ...(rollover ? { rollover } : {}), ...(before ? { before } : {}), decisions };
}

function rolloverReason(write: BackingIndex, settings: RetentionSettings, now: Date): string | undefined {
  const ageMs = now.getTime() - Date.parse(write.created);
  if (ageMs >= (periodMs(settings.rolloverAge, 'rolloverAge') ?? Infinity)) return `the write index ${write.name} is older than ${settings.rolloverAge}`;
  if (write.bytes >= sizeBytes(settings.rolloverSize)) return `the write index ${write.name} is larger than ${settings.rolloverSize}`;
  return undefined;
}
