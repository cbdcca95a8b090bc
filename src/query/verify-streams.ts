// Splits the events of a namespace into scans that can run at once: producers dealt out by event count, plus one scan for whatever no listed producer holds.
import type { Client } from '@opensearch-project/opensearch';
import type { CheckpointTrust } from '../integrity/checkpoint-trust.js';
import { isMissingIndexError } from '../storage/opensearch-error.js';
import { windowQuery } from './verify-window.js';

const PRODUCER = 'audit_trail.producer';
/** Past this many producers the namespace is read in one scan (the lists would make queries too long). */
const MAX_LISTED = 5000;

/** Producers of the events (by `audit_trail.producer`) and their event counts, or undefined past {@link MAX_LISTED}. */
async function listProducers(client: Client, index: string): Promise<{ producer: string; count: number }[] | undefined> {
  const out: { producer: string; count: number }[] = [];
  let after: Record<string, unknown> | undefined;
  do {
    const composite: Record<string, unknown> = { size: 1000, sources: [{ producer: { terms: { field: PRODUCER } } }], ...(after ? { after } : {}) };
    let res;
    try {
      res = await client.search({ index, body: { size: 0, track_total_hits: false, aggs: { producers: { composite } } } as never });
    } catch (error) {
      if (isMissingIndexError(error)) return [];
      throw error;
    }
    const agg = (res.body as { aggregations?: { producers?: { buckets: { key: { producer: string }; doc_count: number }[]; after_key?: Record<string, unknown> } } }).aggregations?.producers;
    for (const b of agg?.buckets ?? []) out.push({ producer: b.key.producer, count: b.doc_count });
    after = agg?.buckets.length ? agg.after_key : undefined;
    if (out.length > MAX_LISTED) return undefined;
  } while (after);
  return out;
}

/**
 * The queries of the scans to run at once: with `concurrency` above 1, the listed producers dealt out to that many scans
 * (largest first, each to the scan holding the fewest events so far), and one scan for every event of no listed producer
 * (none, or one that appeared meanwhile). Each producer's events stay in one scan, so each scan feeds its own verifiers.
 */
export async function planScans(client: Client, index: string, trusts: ReadonlyMap<string, CheckpointTrust>, concurrency: number): Promise<Record<string, unknown>[]> {
  const all = windowQuery(trusts.values());
  if (concurrency <= 1) return [all];
  const producers = await listProducers(client, index);
  if (!producers || producers.length < 2) return [all];
  const groups = Array.from({ length: Math.min(concurrency, producers.length) }, () => ({ count: 0, producers: [] as string[] }));
  for (const p of [...producers].sort((a, b) => b.count - a.count)) {
    const least = groups.reduce((min, g) => (g.count < min.count ? g : min));
    least.producers.push(p.producer);
    least.count += p.count;
  }
  const restricted = (names: string[]): Record<string, unknown> => windowQuery([...trusts.values()].filter((t) => names.includes(t.producer)), names);
  const listed = producers.map((p) => p.producer);
  return [...groups.map((g) => restricted(g.producers)), { bool: { filter: [all], must_not: [{ terms: { [PRODUCER]: listed } }] } }];
}
