// Which of a producer's checkpoints are trusted (signed by a given key, in an unbroken numbered chain, anchors included), the window they give, and the gaps and heads they state.
import { checkpointDigest, FIRST_PREVIOUS, signatureHolds, type CheckpointGap, type SignedCheckpoint } from './checkpoint.js';
import { GENESIS_LINK } from './chain.js';
import type { VerifyKey } from './keys.js';
import type { RetentionStart } from './retention-statement.js';
import type { VerifyProblem } from './verify-report.js';

export interface TrustOptions {
  /** Public keys trusted, given out of band: a key found in the cluster is never trusted. */
  keys: readonly VerifyKey[];
  /** This producer's checkpoints from an outside append-only file: each must be in the cluster, and counts as trusted even when it is not. */
  anchors?: readonly SignedCheckpoint[];
  /** Start at the newest trusted checkpoint made at or before this time (default: the producer's genesis). */
  from?: Date;
  /** End at the oldest trusted checkpoint made at or after this time (default: the newest event). */
  to?: Date;
  /** What trusted retention statements say was removed of this producer: verification starts after it when that is later. */
  removed?: RetentionStart;
}

/** The trusted checkpoints of one producer and what follows from them. */
export interface CheckpointTrust {
  producer: string;
  /** Checkpoints found in the cluster (readable ones). */
  stored: number;
  /** Trusted checkpoints from the start on, by number. */
  trusted: SignedCheckpoint[];
  /** Where verification starts: the head sequence (0: genesis) and the link after it. */
  start: { sequence: number; link: string; checkpoint?: number };
  /** Set when the start is a retention statement's: the numbers up to it were removed by retention, not lost. */
  removedByRetention?: RetentionStart;
  /** Where it ends (inclusive), when a trusted checkpoint at or after `to` bounds it. */
  end?: { sequence: number; checkpoint: number };
  /** Every gap stated by a trusted checkpoint (before the start too: a dead letter may be learnt late), by `from`. */
  gaps: CheckpointGap[];
  /** Link after each head sequence of a trusted checkpoint within the window. */
  heads: Map<number, { link: string; number: number }>;
  /** The highest head sequence of a trusted checkpoint within the window (0 when none). */
  signedThrough: number;
  problems: VerifyProblem[];
}

const problemAt = (kind: VerifyProblem['kind'], c: SignedCheckpoint, detail: string): VerifyProblem => ({
  kind, from: c.sequence, to: c.sequence, events: 0, eventIds: [], firstTime: c.time, lastTime: c.time, checkpoints: [c.number], detail,
});

/** The trusted checkpoints among those signed by a trusted key; the rest are reported (`unknown-key`, `bad-signature`). */
function signed(checkpoints: readonly SignedCheckpoint[], keys: readonly VerifyKey[], where: string, problems: VerifyProblem[]): SignedCheckpoint[] {
  return checkpoints.filter((c) => {
    const key = keys.find((k) => k.keyId === c.key_id);
    if (!key) problems.push(problemAt('unknown-key', c, `checkpoint ${c.number}${where} names key ${c.key_id}, which is not among the trusted keys`));
    else if (!signatureHolds(c, key)) problems.push(problemAt('bad-signature', c, `checkpoint ${c.number}${where} does not verify under key ${c.key_id}`));
    else return true;
    return false;
  });
}

/** One checkpoint per number: anchors first, then the cluster's; two different signed ones with one number are reported. */
function byNumber(anchors: SignedCheckpoint[], stored: SignedCheckpoint[], problems: VerifyProblem[]): SignedCheckpoint[] {
  const chosen = new Map<number, { checkpoint: SignedCheckpoint; digest: string }>();
  for (const c of anchors) if (!chosen.has(c.number)) chosen.set(c.number, { checkpoint: c, digest: checkpointDigest(c) });
  const inCluster = new Set<string>();
  for (const c of stored) {
    const digest = checkpointDigest(c);
    inCluster.add(digest);
    const held = chosen.get(c.number);
    if (!held) chosen.set(c.number, { checkpoint: c, digest });
    else if (held.digest !== digest) problems.push(problemAt('conflicting-checkpoint', c, `two different signed checkpoints are numbered ${c.number}`));
  }
  for (const c of anchors) {
    if (!inCluster.has(checkpointDigest(c))) problems.push(problemAt('missing-checkpoint', c, `checkpoint ${c.number} of the anchor file is not in the cluster`));
  }
  return [...chosen.values()].map((v) => v.checkpoint).sort((a, b) => a.number - b.number);
}

/** Breaks in the numbered chain of checkpoints from `first` on (a number absent, or a `previous` digest that is not the one before's). */
function chainBreaks(list: SignedCheckpoint[], fromGenesis: boolean, problems: VerifyProblem[]): void {
  const head = list[0];
  if (!head) return;
  if (fromGenesis && head.number > 1) {
    problems.push({ ...problemAt('missing-checkpoint', head, `checkpoints 1 to ${head.number - 1} are absent before checkpoint ${head.number}`), checkpoints: range(1, head.number - 1) });
  } else if (fromGenesis && head.previous !== FIRST_PREVIOUS) {
    problems.push(problemAt('missing-checkpoint', head, 'checkpoint 1 names a checkpoint before it'));
  }
  for (let i = 1; i < list.length; i++) {
    const a = list[i - 1]!;
    const b = list[i]!;
    if (b.number > a.number + 1) {
      problems.push({ ...problemAt('missing-checkpoint', b, `checkpoint${b.number - a.number > 2 ? `s ${a.number + 1} to ${b.number - 1} are` : ` ${a.number + 1} is`} absent between checkpoints ${a.number} and ${b.number}`), checkpoints: range(a.number + 1, b.number - 1), from: a.sequence, firstTime: a.time });
    } else if (b.previous !== checkpointDigest(a)) {
      problems.push({ ...problemAt('missing-checkpoint', b, `checkpoint ${b.number} does not follow checkpoint ${a.number} (its previous digest names another checkpoint)`), checkpoints: [a.number, b.number] });
    }
  }
}

const range = (from: number, to: number): number[] => {
  const out: number[] = [];
  for (let n = from; n <= to && out.length < 100; n++) out.push(n);
  return out;
};

/**
 * Decides which checkpoints of `producer` are trusted: signed by one of `options.keys` (else `unknown-key` or `bad-signature`),
 * one per number (anchors win; two different ones: `conflicting-checkpoint`), and from the start on numbered 1, 2, 3, …
 * each naming the one before by digest (else `missing-checkpoint`). Without `from` the start is the genesis: checkpoint 1
 * must be there. With `from`, verification starts at the newest trusted checkpoint made at or before it, so old indices may
 * have been deleted; with `to` it ends at the oldest trusted checkpoint made at or after it.
 */
export function trustCheckpoints(producer: string, stored: readonly SignedCheckpoint[], options: TrustOptions): CheckpointTrust {
  const problems: VerifyProblem[] = [];
  const anchors = signed((options.anchors ?? []).filter((c) => c.producer === producer), options.keys, ' (anchor file)', problems);
  const all = byNumber(anchors, signed(stored.filter((c) => c.producer === producer), options.keys, '', problems), problems);
  const fromMs = options.from?.getTime();
  const toMs = options.to?.getTime();
  const startAt = fromMs === undefined ? -1 : findLastIndex(all, (c) => Date.parse(c.time) <= fromMs);
  const endAt = toMs === undefined ? -1 : all.findIndex((c, i) => i >= startAt && Date.parse(c.time) >= toMs);
  const trusted = all.slice(Math.max(0, startAt), endAt === -1 ? undefined : endAt + 1);
  chainBreaks(trusted, startAt === -1, problems);
  const first = startAt === -1 ? undefined : all[startAt];
  const heads = new Map<number, { link: string; number: number }>();
  for (const c of trusted) if (c.sequence > 0) heads.set(c.sequence, { link: c.link, number: c.number });
  const gaps = all.flatMap((c) => c.gaps).sort((a, b) => a.from - b.from || a.to - b.to);
  const checkpointStart = first ? { sequence: first.sequence, link: first.sequence === 0 ? GENESIS_LINK : first.link, checkpoint: first.number } : { sequence: 0, link: GENESIS_LINK };
  const removed = options.removed && options.removed.sequence > checkpointStart.sequence ? options.removed : undefined;
  return {
    producer,
    stored: stored.filter((c) => c.producer === producer).length,
    trusted,
    start: removed ? { sequence: removed.sequence, link: removed.link } : checkpointStart,
    ...(removed ? { removedByRetention: removed } : {}),
    ...(endAt === -1 ? {} : { end: { sequence: all[endAt]!.sequence, checkpoint: all[endAt]!.number } }),
    gaps: dedupe(gaps),
    heads,
    signedThrough: trusted.reduce((max, c) => Math.max(max, c.sequence), 0),
    problems,
  };
}

function findLastIndex<T>(list: readonly T[], test: (item: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i]!)) return i;
  return -1;
}

function dedupe(gaps: CheckpointGap[]): CheckpointGap[] {
  return gaps.filter((g, i) => {
    const p = gaps[i - 1];
    return !p || p.from !== g.from || p.to !== g.to || p.reason !== g.reason || p.link !== g.link;
  });
}
