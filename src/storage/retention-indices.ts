// The events' backing indices as retention sees them (newest event, creation, size), rolling the stream over, deleting whole indices, and the last chained event per producer in them.
import type { Client } from '@opensearch-project/opensearch';
import { chainOf } from '../integrity/chain.js';
import { isMissingIndexError } from './opensearch-error.js';
import type { BackingIndex } from './retention-plan.js';
import { dataStreamName } from './template.js';

/** The stream's backing indices, oldest first, each with its newest `@timestamp`; none when the stream does not exist. */
export async function backingIndices(client: Client, namespace: string): Promise<BackingIndex[]> {
  const stream = dataStreamName(namespace);
  let names: string[];
  try {
    const res = await client.indices.getDataStream({ name: stream });
    const found = (res.body as { data_streams?: { indices?: { index_name: string }[] }[] }).data_streams?.[0];
    names = (found?.indices ?? []).map((i) => i.index_name);
  } catch (error) {
    if (isMissingIndexError(error)) return [];
    throw error;
  }
  if (names.length === 0) return [];
  const cat = await client.cat.indices({ index: names.join(','), format: 'json', bytes: 'b', h: 'index,creation.date.string,docs.count,pri.store.size' } as never);
  const rows = new Map(((cat.body ?? []) as Record<string, string>[]).map((r) => [r.index, r]));
  const aggs = { by_index: { terms: { field: '_index', size: names.length }, aggs: { newest: { max: { field: '@timestamp' } } } } };
  const res = await client.search({ index: stream, body: { size: 0, track_total_hits: false, aggs } as never });
  const buckets = ((res.body as { aggregations?: { by_index?: { buckets: { key: string; newest: { value_as_string?: string } }[] } } }).aggregations?.by_index?.buckets ?? []);
  const newest = new Map(buckets.map((b) => [b.key, b.newest.value_as_string]));
  return names.map((name, i) => {
    const row = rows.get(name);
    const time = newest.get(name);
    return {
      name, write: i === names.length - 1, created: new Date(row?.['creation.date.string'] ?? 0).toISOString(),
      ...(time ? { newest: new Date(time).toISOString() } : {}), docs: Number(row?.['docs.count'] ?? 0), bytes: Number(row?.['pri.store.size'] ?? 0),
    };
  });
}

/** Rolls the events' data stream over: a new write index; resolves with its name. */
export async function rollStreamOver(client: Client, namespace: string): Promise<string> {
  const res = await client.indices.rollover({ alias: dataStreamName(namespace) });
  return (res.body as { new_index: string }).new_index;
}

/** Deletes whole backing indices (never called with the write index: OpenSearch refuses that too). */
export async function deleteIndices(client: Client, names: readonly string[]): Promise<void> {
  if (names.length) await client.indices.delete({ index: names.join(',') });
}

/** Per producer, the highest sequence stored in these indices and its chain link (what retention statements name). */
export async function lastChainedEvents(client: Client, indices: readonly string[]): Promise<{ producer: string; sequence: number; link: string }[]> {
  if (indices.length === 0) return [];
  const aggs = {
    producers: {
      terms: { field: 'audit_trail.producer', size: 10_000 },
      aggs: { last: { top_hits: { size: 1, sort: [{ 'event.sequence': { order: 'desc' } }], _source: ['event.sequence', 'audit_trail.chain.prev', 'audit_trail.chain.link'] } } },
    },
  };
  const res = await client.search({ index: indices.join(','), body: { size: 0, query: { exists: { field: 'event.sequence' } }, aggs } as never });
  type Bucket = { key: string; last: { hits: { hits: { _source?: Record<string, unknown> & { event?: { sequence?: number } } }[] } } };
  const buckets = ((res.body as { aggregations?: { producers?: { buckets: Bucket[] } } }).aggregations?.producers?.buckets ?? []);
  return buckets.flatMap((b) => {
    const source = b.last.hits.hits[0]?._source;
    const sequence = source?.event?.sequence;
    const link = source ? chainOf(source)?.link : undefined;
    return typeof sequence === 'number' && typeof link === 'string' ? [{ producer: b.key, sequence, link }] : [];
  }).sort((a, b) => (a.producer < b.producer ? -1 : 1));
}
