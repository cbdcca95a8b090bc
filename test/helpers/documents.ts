// Reads back the raw documents of a namespace's data stream (after a refresh), for tests that check what reached the index.
import type { Client } from '@opensearch-project/opensearch';
import { dataStreamName } from '../../src/storage/template.js';

/** Every document's `_source` in the namespace (up to `size`), oldest first. */
export async function storedDocuments(client: Client, namespace: string, query: Record<string, unknown> = { match_all: {} }, size = 10_000): Promise<Record<string, any>[]> {
  const index = dataStreamName(namespace);
  await client.indices.refresh({ index });
  const res = await client.search({ index, body: { query, size, sort: [{ '@timestamp': { order: 'asc' } }] } as never });
  return (res.body.hits.hits as { _source: Record<string, any> }[]).map((h) => h._source);
}
