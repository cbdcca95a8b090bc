// Retention statements: the signed checkpoints the retention job writes before deleting old indices, and the start each producer's verification takes from them.
import { GENESIS_LINK } from './chain.js';
import { checkpointDigest, FIRST_PREVIOUS, type CheckpointStatement, type RetentionRemoval, type SignedCheckpoint } from './checkpoint.js';

/** Retention statements are made by the retention job, a party of its own: producer `retention:<namespace>`, numbered 1, 2, 3, … */
export const RETENTION_PRODUCER_PREFIX = 'retention:';

/** The producer id of a namespace's retention statements. */
export const retentionProducer = (namespace: string): string => `${RETENTION_PRODUCER_PREFIX}${namespace}`;

/** Whether a checkpoint's producer is a retention job (its statements are not a chain of events). */
export const isRetentionProducer = (producer: string): boolean => producer.startsWith(RETENTION_PRODUCER_PREFIX);

/**
 * The statement of one retention run: the next number after `previous` (the namespace's newest retention statement) naming
 * its digest, head sequence 0 (a retention job chains no events), and what it is about to remove.
 */
export function retentionStatement(namespace: string, previous: SignedCheckpoint | undefined, removal: RetentionRemoval, time: Date, keyId: string): CheckpointStatement {
  return {
    producer: retentionProducer(namespace),
    number: (previous?.number ?? 0) + 1,
    sequence: 0,
    link: GENESIS_LINK,
    previous: previous ? checkpointDigest(previous) : FIRST_PREVIOUS,
    gaps: [],
    time: time.toISOString(),
    key_id: keyId,
    kind: 'retention',
    retention: removal,
  };
}

/** Where a producer's verification starts after retention: the highest sequence removed, its link, and the statement saying so. */
export interface RetentionStart {
  sequence: number;
  link: string;
  /** Number and time of the retention statement. */
  checkpoint: number;
  time: string;
}

/** Per producer, the highest removed sequence over the trusted retention statements. */
export function retentionStarts(trusted: readonly SignedCheckpoint[]): Map<string, RetentionStart> {
  const starts = new Map<string, RetentionStart>();
  for (const c of trusted) {
    for (const p of c.retention?.producers ?? []) {
      const held = starts.get(p.producer);
      if (!held || p.sequence > held.sequence) starts.set(p.producer, { sequence: p.sequence, link: p.link, checkpoint: c.number, time: c.time });
    }
  }
  return starts;
}
