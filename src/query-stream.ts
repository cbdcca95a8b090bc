// The query module's export reader: every event of a filter, newest first, through a point in time + search_after.
import type { Client } from '@opensearch-project/opensearch';
import { buildFilterQuery, SORT, toRow, type AuditFilter, type AuditRow } from './query.js';
import { INDEX_PATTERN } from './template.js';

export interface StreamOptions {
  filter?: AuditFilter;
  /** Index or pattern to read. Default: every audit data stream. */
  index?: string;
  /** Rows fetched per round trip. Default 5000, between 1 and 10,000. */
  batchSize?: number;
  /** How long the point in time lives between two batches. Default `'1m'`. */
  keepAlive?: string;
}

function isMissingIndex(error: unknown): boolean {
  const e = error as { meta?: { statusCode?: number; body?: { error?: { type?: string } } } };
  return e.meta?.statusCode === 404 || e.meta?.body?.error?.type === 'index_not_found_exception';
}

/**
 * Yields every event matching the filter, newest first, with no row cap: one batch in memory at a time.
 * A point in time pins the view of the data, so rows written meanwhile neither shift nor repeat the export.
 * The point in time is deleted when the loop ends, early or not.
 */
export async function* streamEvents(client: Client, options: StreamOptions = {}): AsyncGenerator<AuditRow, void, undefined> {
  const batchSize = Math.min(Math.max(1, Math.trunc(options.batchSize ?? 5000)), 10_000);
  const keepAlive = options.keepAlive ?? '1m';
  let pitId: string;
  try {
    const pit = await client.createPit({ index: [options.index ?? INDEX_PATTERN], keep_alive: keepAlive, allow_partial_pit_creation: false });
    pitId = pit.body.pit_id;
  } catch (error) {
    if (isMissingIndex(error)) return;
    throw error;
  }
  try {
    let after: unknown[] | undefined;
    const query = buildFilterQuery(options.filter);
    for (;;) {
      const body: Record<string, unknown> = {
        query,
        sort: SORT,
        size: batchSize,
        track_total_hits: false,
        pit: { id: pitId, keep_alive: keepAlive },
      };
      if (after) body.search_after = after;
      const res = await client.search({ body: body as never });
      const hits = res.body.hits.hits;
      if (res.body.pit_id) pitId = res.body.pit_id;
      for (const hit of hits) yield toRow((hit._source ?? {}) as Record<string, unknown>);
      if (hits.length < batchSize) return;
      after = hits[hits.length - 1]?.sort as unknown[] | undefined;
      if (!after) return;
    }
  } finally {
    await client.deletePit({ body: { pit_id: [pitId] } } as never).catch(() => undefined);
  }
}
