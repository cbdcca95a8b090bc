// What a chain verification reports per producer (figures, known gaps, problems), and the bounded log its problems are collected in.

/**
 * Kinds of problem, from the events' chain and from the signed checkpoints:
 * - `forged`: an event the producer's chain does not pass through (no chain fields, or a second document at a sequence);
 * - `modified`: an event whose content or link was changed after it was linked (or a chain re-linked since a checkpoint);
 * - `missing`: sequence numbers absent between two stored events while the chain passed through them;
 * - `truncated`: sequence numbers a trusted checkpoint covers, absent after the last stored event;
 * - `unsigned-tail`: events after the last trusted checkpoint, the newest older than the grace period;
 * - `missing-checkpoint`: a checkpoint number absent between trusted ones, a broken `previous` digest, or an anchor not in the cluster;
 * - `conflicting-checkpoint`: two different validly signed checkpoints with one number;
 * - `bad-signature` / `unknown-key`: a checkpoint that does not verify under the trusted keys (never used as an anchor);
 * - `malformed-checkpoint`: a checkpoint document whose fields cannot be read.
 */
export const PROBLEM_KINDS = [
  'forged', 'modified', 'missing', 'truncated', 'unsigned-tail',
  'missing-checkpoint', 'conflicting-checkpoint', 'bad-signature', 'unknown-key', 'malformed-checkpoint',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** Event ids kept per problem (the count is always exact). */
export const EVENT_ID_CAP = 20;
/** Problems kept per producer (the counts by kind are always exact). */
export const PROBLEM_CAP = 1000;

export interface VerifyProblem {
  kind: ProblemKind;
  /** Sequence range concerned, inclusive (a checkpoint problem: the checkpoint's head). */
  from?: number;
  to?: number;
  /** Events concerned: stored documents, or absent sequence numbers for `missing` and `truncated`. */
  events: number;
  /** Ids of the events concerned, at most {@link EVENT_ID_CAP} (none for absent events). */
  eventIds: string[];
  /** ISO time range of the events concerned; for absent events, of their stored neighbours. */
  firstTime?: string;
  lastTime?: string;
  /** Numbers of the checkpoints concerned. */
  checkpoints?: number[];
  /** What was found, in words. */
  detail: string;
}

/** `intact`: every event and checkpoint checks out; `intact-unsigned-tail`: so far, with events after the last checkpoint younger than the grace period. */
export type ProducerStatus = 'intact' | 'intact-unsigned-tail' | 'problems';

export interface ProducerReport {
  producer: string;
  status: ProducerStatus;
  /** Stored event documents read for this producer. */
  eventsChecked: number;
  /** Lowest and highest sequence read. */
  sequences?: { first: number; last: number };
  /** Oldest and newest `@timestamp` read (ISO). */
  time?: { first: string; last: string };
  /** Where verification started: sequence 0 (genesis) or a trusted checkpoint's head. */
  start: { sequence: number; checkpoint?: number };
  /** Set when sequences 1 to `through` were removed by retention (a trusted retention statement, its number and time): not problems. */
  removedByRetention?: { through: number; checkpoint: number; time: string };
  /** Checkpoints of the producer in the cluster, those trusted (with anchors), and the last trusted one. */
  checkpoints: { stored: number; trusted: number; last?: { number: number; sequence: number; time: string; kind: string } };
  /** Absent sequence numbers the producer accounted for, by reason (`unannounced`: skipped without a link, not yet in a checkpoint). */
  knownGaps: { events: number; byReason: Record<string, number> };
  /** Events after the last trusted checkpoint (`problem` when the newest is older than the grace period). */
  unsignedTail?: { from: number; to: number; events: number; newestTime?: string; problem: boolean };
  /** Problems, at most {@link PROBLEM_CAP}; neighbouring ones of one kind are merged. */
  problems: VerifyProblem[];
  /** Problems by kind, exact. */
  problemCounts: Partial<Record<ProblemKind, number>>;
  /** Problems left out of `problems` past the cap. */
  problemsOmitted: number;
}

/** UTC ISO times of one shape (`2026-11-20T10:00:00.000Z`, as producers write them) order as text; other forms are parsed. */
const isoShaped = (t: string): boolean => t.length === 24 && t.charCodeAt(23) === 90 /* Z */ && t.charCodeAt(10) === 84 /* T */ && t.charCodeAt(19) === 46; /* . */
const compareTimes = (a: string, b: string): number => (isoShaped(a) && isoShaped(b) ? (a < b ? -1 : a > b ? 1 : 0) : Date.parse(a) - Date.parse(b));
const earlier = (a: string | undefined, b: string | undefined): string | undefined => (a === undefined ? b : b === undefined ? a : compareTimes(b, a) < 0 ? b : a);
const later = (a: string | undefined, b: string | undefined): string | undefined => (a === undefined ? b : b === undefined ? a : compareTimes(b, a) > 0 ? b : a);

/** A time range widened by a time. */
export function widen(range: { first?: string; last?: string }, time: string | undefined): void {
  const first = earlier(range.first, time);
  const last = later(range.last, time);
  if (first !== undefined) range.first = first;
  if (last !== undefined) range.last = last;
}

/** Problems of one producer: a problem touching the previous one of the same kind and detail is merged into it; capped. */
export class ProblemLog {
  readonly problems: VerifyProblem[] = [];
  readonly counts: Partial<Record<ProblemKind, number>> = {};
  omitted = 0;
  /** Id of the last event added to the last problem (kept past the id cap, so an event reported twice counts once). */
  private lastId: string | undefined;

  add(problem: VerifyProblem): void {
    const last = this.problems[this.problems.length - 1];
    const lastId = this.lastId;
    this.lastId = problem.eventIds[problem.eventIds.length - 1];
    if (last && this.omitted === 0 && touches(last, problem)) {
      merge(last, problem, lastId);
      return;
    }
    this.counts[problem.kind] = (this.counts[problem.kind] ?? 0) + 1;
    if (this.problems.length >= PROBLEM_CAP) {
      this.omitted++;
      return;
    }
    this.problems.push({ ...problem, eventIds: problem.eventIds.slice(0, EVENT_ID_CAP) });
  }

  get empty(): boolean {
    return this.problems.length === 0 && this.omitted === 0;
  }
}

function touches(a: VerifyProblem, b: VerifyProblem): boolean {
  if (a.kind !== b.kind || a.detail !== b.detail || a.checkpoints || b.checkpoints) return false;
  if (a.from === undefined || a.to === undefined || b.from === undefined || b.to === undefined) return false;
  return b.from <= a.to + 1 && b.to >= a.from - 1;
}

function merge(into: VerifyProblem, from: VerifyProblem, lastId: string | undefined): void {
  const overlap = Math.max(0, Math.min(into.to!, from.to!) - Math.max(into.from!, from.from!) + 1);
  into.from = Math.min(into.from!, from.from!);
  into.to = Math.max(into.to!, from.to!);
  // The same event reported twice (its link differs and the next one names another) counts once.
  const fresh = from.eventIds.filter((id) => id !== lastId && !into.eventIds.includes(id));
  into.events += from.eventIds.length > 0 ? fresh.length + Math.max(0, from.events - from.eventIds.length) : from.events - overlap;
  into.eventIds.push(...fresh.slice(0, Math.max(0, EVENT_ID_CAP - into.eventIds.length)));
  const range: { first?: string; last?: string } = {};
  widen(range, into.firstTime);
  widen(range, into.lastTime);
  widen(range, from.firstTime);
  widen(range, from.lastTime);
  if (range.first !== undefined) into.firstTime = range.first;
  if (range.last !== undefined) into.lastTime = range.last;
}
