// The newest checkpoint stored per producer of a namespace, by one aggregation (cheap: no verification, nothing trusted).
import type { Client } from '@opensearch-project/opensearch';
import { isMissingIndexError } from '../storage/opensearch-error.js';
import { checkpointStreamName } from '../storage/template.js';

/** A producer's newest checkpoint as stored in the cluster: read, not verified. */
export interface StoredCheckpointHead {
  producer: string;
  number: number;
  sequence: number;
  /** ISO time the checkpoint says it was made. */
  time: string;
  kind: string;
  keyId: string;
}

/** Producers read per namespace at most. */
export const NEWEST_CHECKPOINT_PRODUCERS = 1000;

type Bucket = { key: string; newest: { hits: { hits: { _source?: Record<string, any> }[] } } };

/** The newest stored checkpoint of each producer (by number), sorted by producer; a namespace without checkpoints gives none. */
export async function newestCheckpoints(client: Client, namespace: string): Promise<StoredCheckpointHead[]> {
  const body = {
    size: 0,
    aggs: {
      producers: {
        terms: { field: 'audit_trail.producer', size: NEWEST_CHECKPOINT_PRODUCERS, order: { _key: 'asc' } },
        aggs: { newest: { top_hits: { size: 1, sort: [{ 'audit_trail.checkpoint.number': { order: 'desc' } }], _source: ['@timestamp', 'audit_trail.producer', 'audit_trail.checkpoint.number', 'audit_trail.checkpoint.sequence', 'audit_trail.checkpoint.kind', 'audit_trail.checkpoint.key_id'] } } },
      },
    },
  };
  let buckets: Bucket[];
  try {
    const res = await client.search({ index: checkpointStreamName(namespace), body: body as never, ignore_unavailable: true, allow_no_indices: true } as never);
    buckets = ((res.body as { aggregations?: { producers?: { buckets?: Bucket[] } } }).aggregations?.producers?.buckets ?? []);
  } catch (error) {
    if (isMissingIndexError(error)) return [];
    throw error;
  }
  const heads: StoredCheckpointHead[] = [];
  for (const bucket of buckets) {
    const source = bucket.newest.hits.hits[0]?._source;
    const c = source?.audit_trail?.checkpoint as Record<string, unknown> | undefined;
    if (!c || typeof c.number !== 'number' || typeof c.sequence !== 'number') continue;
    heads.push({ producer: String(bucket.key), number: c.number, sequence: c.sequence, time: String(source?.['@timestamp'] ?? ''), kind: String(c.kind ?? ''), keyId: String(c.key_id ?? '') });
  }
  return heads;
}
