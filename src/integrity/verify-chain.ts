// Classifies one producer's stored events, fed in sequence order, against its chain and its trusted checkpoints: a streaming verifier with flat memory.
import type { ChainEvent } from './chain-event.js';
import type { CheckpointTrust } from './checkpoint-trust.js';
import { SignedStatements, type SequenceRange } from './skipped-range.js';
import { ProblemLog, widen, type ProducerReport, type VerifyProblem } from './verify-report.js';

export interface ChainVerifierOptions {
  /** The moment the unsigned tail's age is measured from. Default: now. */
  now?: Date;
  /** How old the newest unsigned event may be before the tail is a problem, in ms. Default 60,000 (a producer checkpoints at least that often). */
  graceMs?: number;
}

/** The default grace of an unsigned tail: 60 s. */
export const UNSIGNED_GRACE_MS = 60_000;

interface Group {
  sequence: number;
  docs: ChainEvent[];
}

const eventProblem = (kind: VerifyProblem['kind'], e: ChainEvent, detail: string): VerifyProblem => ({
  kind, from: e.sequence, to: e.sequence, events: 1, eventIds: [e.id], ...(e.time === undefined ? {} : { firstTime: e.time, lastTime: e.time }), detail,
});

/**
 * Verifies one producer's chain. Feed {@link add} its events ordered by sequence (several documents may share one), then
 * call {@link finish}. Rules, walking sequence groups with the link expected next (`expectedPrev`: the genesis link, or the
 * start checkpoint's link):
 * - a document without chain fields or sequence is `forged`; of several documents at one sequence the genuine one is the
 *   one a trusted checkpoint's head link or the next sequence's `prev` points to; the others are `forged` (when nothing
 *   tells them apart, all are reported);
 * - a document whose link is not SHA-256 over its own content and `prev` is `modified` (content changed, link left);
 * - with no absent number before it, a document naming another `prev` than expected is `modified`: itself when the link
 *   before it is confirmed (genesis, a checkpoint), else the event before it (its link was changed) — `forged` when that
 *   event sits at a number a signed gap declares lost;
 * - absent numbers before a document are judged by {@link SignedStatements.judge}: accounted for by signed gaps, or skipped
 *   while the chain stood still (`unannounced`), else `missing`;
 * - at a trusted checkpoint's head the document's link must be the checkpoint's, else the chain was re-linked since the
 *   last confirmed point (`modified` over that range); verification then goes on from the document's own link;
 * - at the end, numbers a trusted checkpoint covers that are absent and unaccounted for are `truncated`; events after
 *   the last trusted checkpoint are the unsigned tail, a problem when the newest is older than the grace period.
 * Only the current and the next sequence group are held; problems are capped ({@link ProblemLog}).
 */
export class ChainVerifier {
  private readonly log = new ProblemLog();
  private readonly statements: SignedStatements;
  private readonly nowMs: number;
  private readonly graceMs: number;
  private held: Group | undefined;
  private current: Group | undefined;
  private lastSeq: number;
  private expectedPrev: string;
  /** Whether `expectedPrev` is vouched for by a signed statement (genesis, a checkpoint head, a signed gap). */
  private confirmed = true;
  private lastConfirmedSeq: number;
  private lastDoc: ChainEvent | undefined;
  private eventsChecked = 0;
  private sequences: { first: number; last: number } | undefined;
  private readonly time: { first?: string; last?: string } = {};
  private readonly knownGaps: ProducerReport['knownGaps'] = { events: 0, byReason: {} };
  private readonly tail = { events: 0, oldest: undefined as string | undefined, newest: undefined as string | undefined, from: Infinity, to: 0 };

  constructor(private readonly trust: CheckpointTrust, options: ChainVerifierOptions = {}) {
    this.statements = new SignedStatements(trust.gaps, trust.heads);
    this.nowMs = (options.now ?? new Date()).getTime();
    this.graceMs = options.graceMs ?? UNSIGNED_GRACE_MS;
    this.lastSeq = trust.start.sequence;
    this.lastConfirmedSeq = trust.start.sequence;
    this.expectedPrev = trust.start.link;
    for (const p of trust.problems) this.log.add(p);
  }

  /** The next stored event of the producer (in sequence order). */
  add(event: ChainEvent): void {
    this.count(event);
    if (event.sequence === undefined) {
      this.log.add(eventProblem('forged', event, 'the event has no valid sequence number'));
      return;
    }
    if (this.current?.sequence === event.sequence) {
      this.current.docs.push(event);
      return;
    }
    if (this.current && event.sequence < this.current.sequence) throw new RangeError(`events must come in sequence order (${event.sequence} after ${this.current.sequence})`);
    this.shift({ sequence: event.sequence, docs: [event] });
  }

  /** The report, once every event was added. */
  finish(): ProducerReport {
    this.shift(undefined);
    this.shift(undefined);
    this.checkTruncation();
    const report: ProducerReport = {
      producer: this.trust.producer,
      status: 'intact',
      eventsChecked: this.eventsChecked,
      start: { sequence: this.trust.start.sequence, ...(this.trust.start.checkpoint === undefined ? {} : { checkpoint: this.trust.start.checkpoint }) },
      checkpoints: { stored: this.trust.stored, trusted: this.trust.trusted.length },
      knownGaps: this.knownGaps,
      problems: [],
      problemCounts: {},
      problemsOmitted: 0,
    };
    const removed = this.trust.removedByRetention;
    if (removed) report.removedByRetention = { through: removed.sequence, checkpoint: removed.checkpoint, time: removed.time };
    const last = this.trust.trusted[this.trust.trusted.length - 1];
    if (last) report.checkpoints.last = { number: last.number, sequence: last.sequence, time: last.time, kind: last.kind };
    if (this.sequences) report.sequences = this.sequences;
    if (this.time.first !== undefined && this.time.last !== undefined) report.time = { first: this.time.first, last: this.time.last };
    if (this.tail.events > 0) {
      const stale = this.tail.newest === undefined || Date.parse(this.tail.newest) < this.nowMs - this.graceMs || Number.isNaN(Date.parse(this.tail.newest));
      report.unsignedTail = { from: this.tail.from, to: this.tail.to, events: this.tail.events, ...(this.tail.newest === undefined ? {} : { newestTime: this.tail.newest }), problem: stale };
      if (stale) {
        const detail = this.trust.trusted.length === 0 ? 'no trusted checkpoint signs any event of this producer' : `events after the last trusted checkpoint (${last!.number}, sequence ${last!.sequence}) are older than the grace period`;
        const time = { ...(this.tail.oldest === undefined ? {} : { firstTime: this.tail.oldest }), ...(this.tail.newest === undefined ? {} : { lastTime: this.tail.newest }) };
        this.log.add({ kind: 'unsigned-tail', from: this.tail.from, to: this.tail.to, events: this.tail.events, eventIds: [], ...time, detail });
      }
    }
    report.problems = this.log.problems;
    report.problemCounts = this.log.counts;
    report.problemsOmitted = this.log.omitted;
    report.status = !this.log.empty ? 'problems' : report.unsignedTail ? 'intact-unsigned-tail' : 'intact';
    return report;
  }

  private count(e: ChainEvent): void {
    this.eventsChecked++;
    widen(this.time, e.time);
    if (e.sequence === undefined) return;
    this.sequences = this.sequences ? { first: Math.min(this.sequences.first, e.sequence), last: Math.max(this.sequences.last, e.sequence) } : { first: e.sequence, last: e.sequence };
  }

  /** Counts a genuine event after the last trusted checkpoint into the unsigned tail. */
  private countTail(e: ChainEvent, s: number): void {
    if (s <= this.trust.signedThrough || this.trust.end !== undefined) return;
    this.tail.events++;
    this.tail.from = Math.min(this.tail.from, s);
    this.tail.to = Math.max(this.tail.to, s);
    const range: { first?: string; last?: string } = { ...(this.tail.oldest === undefined ? {} : { first: this.tail.oldest }), ...(this.tail.newest === undefined ? {} : { last: this.tail.newest }) };
    widen(range, e.time);
    this.tail.oldest = range.first;
    this.tail.newest = range.last;
  }

  /** Moves the window of groups on by one: the held group is judged with the current one as its lookahead. */
  private shift(next: Group | undefined): void {
    if (this.held) this.judge(this.held, this.current);
    this.held = this.current;
    this.current = next;
  }

  /** The genuine document of a group (others reported as forged), or undefined when none carries chain fields. */
  private genuine(group: Group, next: Group | undefined): ChainEvent | undefined {
    const chained: ChainEvent[] = [];
    for (const d of group.docs) {
      if (d.chain) chained.push(d);
      else this.log.add(eventProblem('forged', d, 'the event carries no chain fields'));
    }
    if (chained.length <= 1) return chained[0];
    const head = this.trust.heads.get(group.sequence)?.link;
    const nextPrevs = next && next.sequence === group.sequence + 1 ? new Set(next.docs.map((d) => d.chain?.prev)) : undefined;
    const pick = (test: (d: ChainEvent) => boolean): ChainEvent[] => chained.filter(test);
    let candidates = head !== undefined ? pick((d) => d.chain!.link === head) : [];
    if (candidates.length !== 1 && nextPrevs) candidates = pick((d) => nextPrevs.has(d.chain!.link));
    if (candidates.length !== 1) candidates = pick((d) => d.selfOk && d.chain!.prev === this.expectedPrev && group.sequence === this.lastSeq + 1);
    const chosen = candidates.length === 1 ? candidates[0]! : undefined;
    for (const d of chained) {
      if (d === chosen) continue;
      const detail = chosen
        ? 'a second document at this sequence, which the chain does not pass through'
        : `${chained.length} documents at this sequence and nothing tells which one the chain passes through`;
      this.log.add(eventProblem('forged', d, detail));
    }
    return chosen ?? chained[0];
  }

  private judge(group: Group, next: Group | undefined): void {
    const d = this.genuine(group, next);
    if (!d) return;
    const s = group.sequence;
    const chain = d.chain!;
    // Before the start checkpoint's head nothing is judged; at it, only the document's own link (its `prev` lies before the window).
    if (s < this.trust.start.sequence) return;
    this.countTail(d, s);
    if (s > this.trust.start.sequence) this.follows(d, s);
    if (!d.selfOk) this.log.add(eventProblem('modified', d, 'its content was changed after it was linked'));
    this.lastSeq = s;
    this.expectedPrev = chain.link;
    this.confirmed = false;
    this.lastDoc = d;
    this.atHead(d, s, next);
  }

  /** Whether `d` (at sequence `s`) follows the last judged event: absent numbers between them, or a `prev` that is not the link before. */
  private follows(d: ChainEvent, s: number): void {
    if (s > this.lastSeq + 1) {
      this.skipped({ from: this.lastSeq + 1, to: s - 1 }, d);
      return;
    }
    if (d.chain!.prev === this.expectedPrev) return;
    const previous = this.lastDoc;
    if (this.confirmed || !previous || previous.sequence !== s - 1) this.log.add(eventProblem('modified', d, 'it names a previous link that is not the chain’s (it was re-linked)'));
    else if (this.statements.gapAt(previous.sequence) !== undefined) this.log.add(eventProblem('forged', previous, 'it sits at a sequence its producer signed as lost, and the chain does not pass through it'));
    else this.log.add(eventProblem('modified', previous, 'its link was changed: the next event names another'));
  }

  /**
   * At a trusted checkpoint's head the document's link must be the checkpoint's. When it is not and the next event follows
   * the checkpoint's link, this one event was changed and re-linked; else the chain was re-linked since the last confirmed point.
   */
  private atHead(d: ChainEvent, s: number, next: Group | undefined): void {
    const head = this.trust.heads.get(s);
    if (!head) return;
    const followed = d.chain!.link !== head.link && next?.sequence === s + 1 && next.docs.some((n) => n.chain?.prev === head.link);
    if (d.chain!.link === head.link || followed) {
      if (followed) this.log.add({ ...eventProblem('modified', d, `its link differs from signed checkpoint ${head.number}, which the next event follows: it was changed and re-linked`), checkpoints: [head.number] });
      this.expectedPrev = head.link;
      this.confirmed = true;
      this.lastConfirmedSeq = s;
      return;
    }
    this.log.add({
      ...eventProblem('modified', d, `its link differs from signed checkpoint ${head.number}: the chain was re-linked after sequence ${this.lastConfirmedSeq}`),
      from: Math.min(this.lastConfirmedSeq + 1, s), checkpoints: [head.number],
    });
    this.lastConfirmedSeq = s;
  }

  /** Absent numbers before document `d`. */
  private skipped(range: SequenceRange, d: ChainEvent): void {
    const verdict = this.statements.judge(range, this.expectedPrev, d.chain!.prev);
    this.addKnown(verdict.known, verdict.knownCount);
    const before = this.lastDoc;
    for (const lost of verdict.lost) {
      const n = lost.to - lost.from + 1;
      const between = `between event ${before?.id ?? '(start)'} (sequence ${this.lastSeq}) and event ${d.id} (sequence ${d.sequence})`;
      this.log.add({
        kind: 'missing', from: lost.from, to: lost.to, events: n, eventIds: [],
        ...(before?.time === undefined ? {} : { firstTime: before.time }), ...(d.time === undefined ? {} : { lastTime: d.time }),
        detail: `${n === 1 ? 'an event is' : `${n} events are`} absent ${between}, and the chain passed through ${n === 1 ? 'it' : 'them'}`,
      });
    }
    if (verdict.prevMismatch) this.log.add(eventProblem('modified', d, 'it names a previous link other than the one the signed gaps before it give'));
  }

  private addKnown(known: Record<string, number>, count: number): void {
    this.knownGaps.events += count;
    for (const [reason, n] of Object.entries(known)) this.knownGaps.byReason[reason] = (this.knownGaps.byReason[reason] ?? 0) + n;
  }

  /** Numbers a trusted checkpoint covers after the last stored event. */
  private checkTruncation(): void {
    const through = this.trust.end?.sequence ?? this.trust.signedThrough;
    if (through <= this.lastSeq) return;
    const verdict = this.statements.judge({ from: this.lastSeq + 1, to: through }, this.expectedPrev, undefined);
    this.addKnown(verdict.known, verdict.knownCount);
    for (const lost of verdict.lost) {
      const n = lost.to - lost.from + 1;
      this.log.add({
        kind: 'truncated', from: lost.from, to: lost.to, events: n, eventIds: [],
        ...(this.lastDoc?.time === undefined ? {} : { firstTime: this.lastDoc.time }),
        detail: `${n === 1 ? 'an event' : `${n} events`} signed by checkpoint ${this.trust.heads.get(through)?.number ?? '?'} (through sequence ${through}) ${n === 1 ? 'is' : 'are'} absent after the last stored event (sequence ${this.lastSeq})`,
      });
    }
  }
}
