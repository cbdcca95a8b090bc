// Judges a range of absent sequence numbers against what trusted checkpoints state: gaps the producer accounted for, and links that prove events were chained there.
import type { CheckpointGap } from './checkpoint.js';

/** An inclusive range of sequence numbers. */
export interface SequenceRange {
  from: number;
  to: number;
}

/** What an absent range comes to. */
export interface SkipVerdict {
  /** Absent numbers accounted for, by reason: a signed gap's, or `unannounced` (skipped while the chain stood still). */
  known: Record<string, number>;
  knownCount: number;
  /** Absent numbers the chain passed through and nobody accounted for. */
  lost: SequenceRange[];
  /** The link the chain must have after the range by the signed statements. */
  head: string;
  /** The range is fully accounted for, yet the next event names another previous link than `head`. */
  prevMismatch: boolean;
}

interface Piece extends SequenceRange {
  reason: string;
}

interface LinkAt {
  at: number;
  link: string;
}

function lowerBound<T>(list: readonly T[], test: (item: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(list[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The signed statements of one producer about absent events: gaps (as non-overlapping pieces, the first stated reason
 * winning) and the links the chain had at given sequences (a gap's `link` after its end, a checkpoint's head link).
 */
export class SignedStatements {
  private readonly pieces: Piece[] = [];
  private readonly links: LinkAt[];

  constructor(gaps: readonly CheckpointGap[], heads: ReadonlyMap<number, { link: string }>) {
    let coveredTo = 0;
    for (const g of [...gaps].sort((a, b) => a.from - b.from)) {
      const from = Math.max(g.from, coveredTo + 1);
      if (from <= g.to) this.pieces.push({ from, to: g.to, reason: g.reason });
      coveredTo = Math.max(coveredTo, g.to);
    }
    const links = gaps.filter((g) => g.link !== undefined).map((g) => ({ at: g.to, link: g.link!, rank: 0 }));
    for (const [at, h] of heads) links.push({ at, link: h.link, rank: 1 });
    // At one sequence a checkpoint's head wins over a gap's link (it comes later in the list).
    this.links = links.sort((a, b) => a.at - b.at || a.rank - b.rank).map(({ at, link }) => ({ at, link }));
  }

  /** The reason a signed gap gives for `sequence`, if one covers it. */
  gapAt(sequence: number): string | undefined {
    const piece = this.pieces[lowerBound(this.pieces, (p) => p.to >= sequence)];
    return piece && piece.from <= sequence ? piece.reason : undefined;
  }

  /** Covered and uncovered parts of a range, in order. */
  private parts(range: SequenceRange): (SequenceRange & { reason?: string })[] {
    const out: (SequenceRange & { reason?: string })[] = [];
    let next = range.from;
    for (let i = lowerBound(this.pieces, (p) => p.to >= range.from); i < this.pieces.length && this.pieces[i]!.from <= range.to; i++) {
      const p = this.pieces[i]!;
      if (p.from > next) out.push({ from: next, to: p.from - 1 });
      const to = Math.min(p.to, range.to);
      out.push({ from: Math.max(p.from, next), to, reason: p.reason });
      next = to + 1;
    }
    if (next <= range.to) out.push({ from: next, to: range.to });
    return out;
  }

  /**
   * Judges the absent range `range`, the chain's link before it being `prev` and the next stored event naming `nextPrev`
   * (undefined at the end of the chain). The range splits at each stated link: a segment ending in a link other than the
   * one before it was chained, so its uncovered numbers are lost; a segment where the link stands still was skipped
   * (`unannounced`). The last segment, up to the next event, was chained unless that event names the link before it.
   */
  judge(range: SequenceRange, prev: string, nextPrev: string | undefined): SkipVerdict {
    const verdict: SkipVerdict = { known: {}, knownCount: 0, lost: [], head: prev, prevMismatch: false };
    const parts = this.parts(range);
    let cur = prev;
    let segmentFrom = range.from;
    const settle = (to: number, chained: boolean): void => {
      for (const part of parts) {
        const from = Math.max(part.from, segmentFrom);
        const end = Math.min(part.to, to);
        if (from > end) continue;
        const reason = part.reason ?? (chained ? undefined : 'unannounced');
        if (reason === undefined) {
          const last = verdict.lost[verdict.lost.length - 1];
          if (last && last.to + 1 === from) last.to = end;
          else verdict.lost.push({ from, to: end });
        } else {
          verdict.known[reason] = (verdict.known[reason] ?? 0) + end - from + 1;
          verdict.knownCount += end - from + 1;
        }
      }
      segmentFrom = to + 1;
    };
    for (let i = lowerBound(this.links, (l) => l.at >= range.from); i < this.links.length && this.links[i]!.at <= range.to; i++) {
      const { at, link } = this.links[i]!;
      settle(at, link !== cur);
      cur = link;
    }
    verdict.head = cur;
    const chained = nextPrev === undefined || nextPrev !== cur;
    const lostBefore = verdict.lost.length;
    const uncoveredLeft = segmentFrom <= range.to && parts.some((p) => p.reason === undefined && p.to >= segmentFrom);
    settle(range.to, chained);
    verdict.prevMismatch = nextPrev !== undefined && nextPrev !== cur && !uncoveredLeft && verdict.lost.length === lostBefore;
    return verdict;
  }
}
