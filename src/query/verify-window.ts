// The time window of a verification: its bounds as typed (ISO or `now-7d`), and the events query it maps to, one sequence window per producer.
import { DateTextError, parseDateText } from '../model/date-text.js';
import type { CheckpointTrust } from '../integrity/checkpoint-trust.js';
import { relativeTime } from './time-rules.js';

/** A time bound that cannot be read; the message says what to write. */
export class TimeBoundError extends RangeError {
  override readonly name = 'TimeBoundError';
}

/** A time bound: a Date, an ISO date or date-time (`2026-11-24`, `2026-11-24T13:45Z`), or relative to `now` (`now-7d`; s, m, h, d, w). */
export function resolveTimeBound(value: string | Date, now: Date, what = 'time'): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TimeBoundError(`${what}: not a valid date`);
    return value;
  }
  const relative = relativeTime(value, now);
  if (relative) return relative;
  try {
    return parseDateText(value);
  } catch (error) {
    if (error instanceof DateTextError) throw new TimeBoundError(`${what}: ${error.problem}, or now-7d (s, m, h, d, w)`);
    throw error;
  }
}

const PRODUCER = 'audit_trail.producer';
const SEQUENCE = 'event.sequence';

/**
 * The events to read: every event of producers verified from their genesis to their newest event, and for each producer
 * whose window starts at a checkpoint (or ends at one) only its sequences from that checkpoint's head to the end checkpoint's.
 * With `only`, the events of those producers alone (their windows among `trusts`).
 */
export function windowQuery(trusts: Iterable<CheckpointTrust>, only?: readonly string[]): Record<string, unknown> {
  const windowed = [...trusts].filter((t) => t.start.sequence > 0 || t.end !== undefined);
  const range = (t: CheckpointTrust): Record<string, number> => ({ gte: t.start.sequence, ...(t.end ? { lte: t.end.sequence } : {}) });
  const clauses: Record<string, unknown>[] = windowed.map((t) => ({ bool: { filter: [{ term: { [PRODUCER]: t.producer } }, { range: { [SEQUENCE]: range(t) } }] } }));
  const names = new Set(windowed.map((t) => t.producer));
  if (only) {
    const plain = only.filter((p) => !names.has(p));
    if (plain.length) clauses.push({ terms: { [PRODUCER]: plain } });
  } else {
    if (windowed.length === 0) return { match_all: {} };
    clauses.push({ bool: { must_not: [{ terms: { [PRODUCER]: [...names] } }] } });
  }
  return { bool: { should: clauses, minimum_should_match: 1 } };
}

/** The order events are verified in: by producer, then sequence; the event id breaks ties between documents at one sequence. */
export const EVENT_ORDER = [
  { [PRODUCER]: { order: 'asc', missing: '_last' } },
  { [SEQUENCE]: { order: 'asc', missing: '_last' } },
  { 'event.id': { order: 'asc', missing: '_last' } },
] as const;

/** The order checkpoints are read in. */
export const CHECKPOINT_ORDER = [
  { [PRODUCER]: { order: 'asc', missing: '_last' } },
  { 'audit_trail.checkpoint.number': { order: 'asc', missing: '_last', unmapped_type: 'long' } },
  { '@timestamp': { order: 'asc', missing: '_last', unmapped_type: 'date' } },
] as const;
