// Reads back what a producer delivered: every event id and sequence in a data stream, to prove no loss, no duplicate, no gap.
import type { Client } from '@opensearch-project/opensearch';

/** What the index holds for one producer. */
export interface DeliveryReport {
  count: number;
  distinctIds: number;
  /** Sequence numbers from 1 to `expected` that are absent. */
  missingSequences: number[];
  /** Sequence numbers stored more than once. */
  repeatedSequences: number[];
}

/** Scrolls the data stream and checks ids and sequences of `producer` (all producers when omitted). */
export async function deliveryReport(client: Client, index: string, expected: number, producer?: string): Promise<DeliveryReport> {
  await client.indices.refresh({ index });
  const ids = new Set<string>();
  const seqs = new Map<number, number>();
  let count = 0;
  const query = producer ? { term: { 'audit_trail.producer': producer } } : { match_all: {} };
  for await (const doc of client.helpers.scrollDocuments<{ event: { id: string; sequence: number } }>({
    index, size: 5000, scroll: '1m', _source: ['event.id', 'event.sequence'], body: { query },
  })) {
    count++;
    ids.add(doc.event.id);
    seqs.set(doc.event.sequence, (seqs.get(doc.event.sequence) ?? 0) + 1);
  }
  const missingSequences: number[] = [];
  for (let s = 1; s <= expected; s++) if (!seqs.has(s)) missingSequences.push(s);
  const repeatedSequences = [...seqs].filter(([, n]) => n > 1).map(([s]) => s);
  return { count, distinctIds: ids.size, missingSequences, repeatedSequences };
}
