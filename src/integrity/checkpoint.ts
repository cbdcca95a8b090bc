// Signed checkpoints: what a producer states about its chain (head, known gaps, the checkpoint before), signed with Ed25519, as a stored document and back.
import { createHash, sign, verify } from 'node:crypto';
import { canonicalJson, GENESIS_LINK } from './chain.js';
import type { SigningKey, VerifyKey } from './keys.js';

/** Why a checkpoint was written. */
export const CHECKPOINT_KINDS = ['count', 'interval', 'close', 'retention'] as const;
export type CheckpointKind = (typeof CHECKPOINT_KINDS)[number];

/**
 * Sequence numbers the producer gave but whose events are not in the index, by its own account (a drop
 * or a dead letter). `link` is the chain head after `to` when events of the gap were linked before they
 * were lost; without it the chain passes over the gap unchanged.
 */
export interface CheckpointGap {
  from: number;
  to: number;
  reason: string;
  link?: string;
}

/** What a checkpoint states; its canonical JSON is what is signed. */
export interface CheckpointStatement {
  producer: string;
  /** 1, 2, 3, … per producer. */
  number: number;
  /** The chain head: the last sequence given so far (0 before the first event) and the link after it. */
  sequence: number;
  link: string;
  /** Digest of the checkpoint before (`checkpointDigest`), or the genesis link for number 1. */
  previous: string;
  /** Gaps learnt since the checkpoint before (they may lie before it: a dead letter comes late). */
  gaps: CheckpointGap[];
  /** ISO time the checkpoint was made. */
  time: string;
  key_id: string;
  kind: CheckpointKind;
  /** Only in a retention statement (kind `retention`, made by the retention job): what it removed. */
  retention?: RetentionRemoval;
}

/** What one retention run removed: whole backing indices, and per producer the last sequence and link they held. */
export interface RetentionRemoval {
  /** The backing indices deleted. */
  indices: string[];
  /** Events whose newest `@timestamp` was before this ISO time went. */
  before: string;
  /** Per producer with events in those indices: the highest sequence removed and its chain link. */
  producers: { producer: string; sequence: number; link: string }[];
}

export interface SignedCheckpoint extends CheckpointStatement {
  /** Ed25519 signature over the statement's canonical JSON, base64. */
  signature: string;
}

/** The digest a later checkpoint names as `previous`: SHA-256 (hex) of the statement's canonical JSON. */
export function checkpointDigest(statement: CheckpointStatement): string {
  return createHash('sha256').update(canonicalJson(statementOf(statement))).digest('hex');
}

/** The first checkpoint's `previous`. */
export const FIRST_PREVIOUS = GENESIS_LINK;

/** Only the statement's own fields (a signed checkpoint or a document may carry more). */
function statementOf(c: CheckpointStatement): CheckpointStatement {
  const base = { producer: c.producer, number: c.number, sequence: c.sequence, link: c.link, previous: c.previous, gaps: c.gaps, time: c.time, key_id: c.key_id, kind: c.kind };
  return c.retention === undefined ? base : { ...base, retention: c.retention };
}

/** Signs a statement (its `key_id` must be the key's). */
export function signCheckpoint(statement: CheckpointStatement, key: SigningKey): SignedCheckpoint {
  if (statement.key_id !== key.keyId) throw new TypeError(`statement names key ${statement.key_id}, signed with ${key.keyId}`);
  const signature = sign(null, Buffer.from(canonicalJson(statementOf(statement))), key.privateKey).toString('base64');
  return { ...statementOf(statement), signature };
}

/** Whether the checkpoint's signature is valid under `key` (whose id it must name). */
export function signatureHolds(checkpoint: SignedCheckpoint, key: VerifyKey): boolean {
  if (checkpoint.key_id !== key.keyId) return false;
  try {
    return verify(null, Buffer.from(canonicalJson(statementOf(checkpoint))), key.publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

/** The stored document of a checkpoint (in the checkpoint data stream). */
export interface CheckpointDocument {
  '@timestamp': string;
  audit_trail: { producer: string; checkpoint: Omit<SignedCheckpoint, 'producer' | 'time'> };
}

/** The `_id` of a checkpoint: unique per producer and number, so a replay is refused as a duplicate. */
export function checkpointId(checkpoint: Pick<CheckpointStatement, 'producer' | 'number'>): string {
  return `${checkpoint.producer}:checkpoint:${checkpoint.number}`;
}

export function checkpointDocument(checkpoint: SignedCheckpoint): CheckpointDocument {
  const { producer, time, ...rest } = checkpoint;
  return { '@timestamp': time, audit_trail: { producer, checkpoint: rest } };
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isHex64 = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

function gapOf(value: unknown): CheckpointGap | undefined {
  const g = value as Partial<CheckpointGap> | null;
  if (!g || typeof g !== 'object' || !isCount(g.from) || !isCount(g.to) || g.to < g.from || typeof g.reason !== 'string') return undefined;
  if (g.link !== undefined && !isHex64(g.link)) return undefined;
  return { from: g.from, to: g.to, reason: g.reason, ...(g.link === undefined ? {} : { link: g.link }) };
}

function removalOf(value: unknown): RetentionRemoval | undefined {
  const r = value as Partial<RetentionRemoval> | null;
  if (!r || typeof r !== 'object' || !Array.isArray(r.indices) || !r.indices.every((i) => typeof i === 'string') || typeof r.before !== 'string' || !Array.isArray(r.producers)) return undefined;
  const producers = r.producers.filter((p) => p && typeof p.producer === 'string' && isCount(p.sequence) && isHex64(p.link));
  if (producers.length !== r.producers.length) return undefined;
  return { indices: r.indices, before: r.before, producers: producers.map((p) => ({ producer: p.producer, sequence: p.sequence, link: p.link })) };
}

/** A checkpoint read from a stored document, or what makes it unreadable (in words). */
export function checkpointFromSource(source: Record<string, unknown>): SignedCheckpoint | { problem: string } {
  const trail = source.audit_trail as { producer?: unknown; checkpoint?: Record<string, unknown> } | undefined;
  const c = trail?.checkpoint;
  if (!c || typeof trail.producer !== 'string' || typeof source['@timestamp'] !== 'string') return { problem: 'not a checkpoint document' };
  const gaps = Array.isArray(c.gaps) ? c.gaps.map(gapOf) : undefined;
  if (!isCount(c.number) || !isCount(c.sequence) || !isHex64(c.link) || !isHex64(c.previous) || !gaps || gaps.includes(undefined)
    || typeof c.key_id !== 'string' || typeof c.signature !== 'string' || !(CHECKPOINT_KINDS as readonly unknown[]).includes(c.kind)) {
    return { problem: 'checkpoint fields missing or malformed' };
  }
  const retention = c.retention === undefined ? undefined : removalOf(c.retention);
  if (c.retention !== undefined && !retention) return { problem: 'retention statement malformed' };
  return {
    ...(retention ? { retention } : {}),
    producer: trail.producer, number: c.number, sequence: c.sequence, link: c.link, previous: c.previous,
    gaps: gaps as CheckpointGap[], time: source['@timestamp'], key_id: c.key_id, kind: c.kind as CheckpointKind, signature: c.signature,
  };
}
