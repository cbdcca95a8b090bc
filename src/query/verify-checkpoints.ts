// Reads every checkpoint document of a namespace, by producer; a document that cannot be read is a problem (of its producer when it names one).
import type { Client } from '@opensearch-project/opensearch';
import { checkpointFromSource, type SignedCheckpoint } from '../integrity/checkpoint.js';
import type { ProblemLog, VerifyProblem } from '../integrity/verify-report.js';
import { checkpointStreamName } from '../storage/template.js';
import { scanSorted } from './sorted-scan.js';
import { CHECKPOINT_ORDER } from './verify-window.js';

/** The producer a stored document names (`audit_trail.producer`, a non-empty string), if any. */
export function producerOf(source: Record<string, unknown> | undefined): string | undefined {
  const trail = source?.audit_trail as { producer?: unknown } | undefined;
  return typeof trail?.producer === 'string' && trail.producer !== '' ? trail.producer : undefined;
}

export interface StoredCheckpoints {
  byProducer: Map<string, SignedCheckpoint[]>;
  /** Unreadable checkpoint documents naming a producer (`malformed-checkpoint`). */
  unreadable: Map<string, VerifyProblem[]>;
}

/** Every checkpoint of the namespace (a missing stream holds none); unreadable documents naming no producer go to `unattributed`. */
export async function readCheckpoints(client: Client, namespace: string, unattributed: ProblemLog): Promise<StoredCheckpoints> {
  const byProducer = new Map<string, SignedCheckpoint[]>();
  const unreadable = new Map<string, VerifyProblem[]>();
  for await (const page of scanSorted(client, { index: checkpointStreamName(namespace), sort: CHECKPOINT_ORDER, batchSize: 2000 })) {
    for (const hit of page) {
      const read = checkpointFromSource(hit._source ?? {});
      const producer = producerOf(hit._source);
      if ('problem' in read) {
        const problem: VerifyProblem = { kind: 'malformed-checkpoint', events: 0, eventIds: [], detail: `checkpoint document ${hit._id}: ${read.problem}` };
        if (producer) unreadable.set(producer, [...(unreadable.get(producer) ?? []), problem]);
        else unattributed.add(problem);
        continue;
      }
      const list = byProducer.get(read.producer) ?? [];
      list.push(read);
      byProducer.set(read.producer, list);
    }
  }
  return { byProducer, unreadable };
}
