// Synthetic chained producers for tests and the bench: events linked as a producer links them, gaps, and signed checkpoints.
import { GENESIS_LINK, linkDocument } from '../../src/integrity/chain.js';
import { checkpointDigest, FIRST_PREVIOUS, signCheckpoint, type CheckpointGap, type CheckpointKind, type SignedCheckpoint } from '../../src/integrity/checkpoint.js';
import { newKeyPairPem, signingKeyFrom, verifyKeyFrom, type SigningKey, type VerifyKey } from '../../src/integrity/keys.js';

/** A key pair: the producer's signing key and the verifier's trusted key. */
export function keyPair(): { signing: SigningKey; verify: VerifyKey; publicPem: string } {
  const { privatePem, publicPem } = newKeyPairPem();
  return { signing: signingKeyFrom(privatePem), verify: verifyKeyFrom(publicPem), publicPem };
}

/** One stored event: its `_source` as parsed from the index, and the JSON text sent. */
export interface StoredEvent {
  id: string;
  sequence: number;
  json: string;
  source: Record<string, unknown>;
}

const ACTIONS = ['login', 'create', 'write', 'delete', 'connect', 'view'];

/** A producer writing chained events and signed checkpoints, as the transport does. */
export class ChainProducer {
  readonly events: StoredEvent[] = [];
  readonly checkpoints: SignedCheckpoint[] = [];
  /** Links after each sequence given (linked or not). */
  head = GENESIS_LINK;
  sequence = 0;
  private pendingGaps: CheckpointGap[] = [];
  private previous = FIRST_PREVIOUS;

  constructor(
    readonly producer: string,
    readonly key: SigningKey,
    /** Time of sequence 1; each next event one second later (or `stepMs`). */
    readonly startMs = Date.parse('2026-11-20T10:00:00.000Z'),
    readonly stepMs = 1000,
  ) {}

  timeOf(sequence: number): string {
    return new Date(this.startMs + (sequence - 1) * this.stepMs).toISOString();
  }

  /** The document of sequence `n` before linking. */
  document(n: number): Record<string, unknown> {
    return {
      '@timestamp': this.timeOf(n),
      event: { id: `${this.producer}-${String(n).padStart(8, '0')}`, sequence: n, action: ACTIONS[n % ACTIONS.length], kind: 'event', outcome: 'success' },
      audit_trail: { producer: this.producer, resource: { type: 'workspace', id: `ws-${n % 97}`, target: `space-${n % 13}` } },
      user: { id: `u-${n % 7}`, name: `user${n % 7}` },
      message: `user${n % 7} did ${ACTIONS[n % ACTIONS.length]} #${n}`,
    };
  }

  /** Appends `count` linked and stored events. */
  append(count = 1): this {
    for (let i = 0; i < count; i++) {
      const n = ++this.sequence;
      const { json, link } = linkDocument(this.document(n), this.head);
      this.head = link;
      this.events.push({ id: `${this.producer}-${String(n).padStart(8, '0')}`, sequence: n, json, source: JSON.parse(json) as Record<string, unknown> });
    }
    return this;
  }

  /** Gives `count` sequence numbers that are dropped before linking (the chain stands still); announced unless told not. */
  drop(count = 1, reason = 'drop', announce = true): this {
    const from = this.sequence + 1;
    this.sequence += count;
    if (announce) this.pendingGaps.push({ from, to: this.sequence, reason });
    return this;
  }

  /** Links `count` events that are then lost (a dead letter); returns the gap to announce (now, or later with `announce`). */
  lose(count = 1, reason = 'dead_letter'): CheckpointGap {
    const from = this.sequence + 1;
    this.append(count);
    this.events.splice(this.events.length - count, count);
    return { from, to: this.sequence, reason, link: this.head };
  }

  /** Announces a gap in the next checkpoint (a dead letter learnt late). */
  announce(gap: CheckpointGap): this {
    this.pendingGaps.push(gap);
    return this;
  }

  /** Signs a checkpoint of the head (time: the head event's, or `time`). */
  checkpoint(kind: CheckpointKind = 'count', time?: string, key: SigningKey = this.key): SignedCheckpoint {
    const statement = {
      producer: this.producer, number: this.checkpoints.length + 1, sequence: this.sequence, link: this.head, previous: this.previous,
      gaps: this.pendingGaps, time: time ?? this.timeOf(Math.max(1, this.sequence)), key_id: key.keyId, kind,
    };
    const signed = signCheckpoint(statement, key);
    this.previous = checkpointDigest(signed);
    this.pendingGaps = [];
    this.checkpoints.push(signed);
    return signed;
  }

  /** Appends events, with a checkpoint after every `every` of them. */
  run(count: number, every: number): this {
    for (let done = 0; done < count; ) {
      const n = Math.min(every, count - done);
      this.append(n);
      done += n;
      if (n === every) this.checkpoint();
    }
    return this;
  }
}

/** An event re-linked by someone without the key: its document changed and linked over `prev` (its own prev by default). */
export function relinked(e: StoredEvent, change: (doc: Record<string, any>) => void, prev?: string): StoredEvent {
  const { ['audit_trail.chain']: chain, ...doc } = structuredClone(e.source) as Record<string, any>;
  change(doc);
  const { json } = linkDocument(doc, prev ?? (chain as { prev: string }).prev);
  const source = JSON.parse(json) as Record<string, any>;
  return { id: String(source.event?.id ?? e.id), sequence: e.sequence, json, source };
}
