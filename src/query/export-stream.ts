// The query module's export reader: every event of a filter, newest first, through a point in time + search_after.
import { isMissingIndexError } from '../storage/opensearch-error.js';
import type { Client } from '@opensearch-project/opensearch';
import { toRow, type AuditRow } from '../model/row.js';
import type { AuditFilter } from './filter-keys.js';
import { buildFilterQuery } from './filter-query.js';
import { SORT } from './list.js';
import { INDEX_PATTERN } from '../storage/template.js';

export interface StreamOptions {
  filter?: AuditFilter;
  /** Index or pattern to read. Default: every audit data stream. */
  index?: string;
  /** Rows fetched per round trip. Default 5000, between 1 and 10,000. */
  batchSize?: number;
  /** How long the point in time lives between two batches. Default `'1m'`. */
  keepAlive?: string;
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
    if (isMissingIndexError(error)) return;
    throw error;
  }
  let pending: Promise<unknown> | undefined;
  try {
    const query = buildFilterQuery(options.filter);
    const fetchAfter = (after: unknown[] | undefined) => {
      const body: Record<string, unknown> = { query, sort: SORT, size: batchSize, track_total_hits: false, pit: { id: pitId, keep_alive: keepAlive } };
      if (after) body.search_after = after;
      return client.search({ body: body as never, filter_path: ['pit_id', 'hits.hits._source', 'hits.hits.sort'] } as never);
    };
    pending = fetchAfter(undefined);
    for (;;) {
      const res = (await pending) as Awaited<ReturnType<typeof fetchAfter>>;
      const body = res.body as { pit_id?: string; hits?: { hits?: { _source?: Record<string, unknown>; sort?: unknown[] }[] } };
      const hits = body.hits?.hits ?? [];
      if (body.pit_id) pitId = body.pit_id;
      const after = hits.length === batchSize ? hits[hits.length - 1]?.sort : undefined;
      // Ask for the next batch before handing out this one, so OpenSearch works while the caller writes.
      if (after) {
        pending = fetchAfter(after);
        // Handled when awaited on the next turn; this only keeps a failure meanwhile from counting as unhandled.
        pending.catch(() => undefined);
      }
      for (const hit of hits) yield toRow(hit._source ?? {});
      if (!after) return;
    }
  } finally {
    // Stopped early with a batch still on its way: wait for it (ignoring its fate) before closing the point in time.
    await pending?.catch(() => undefined);
    await client.deletePit({ body: { pit_id: [pitId] } } as never).catch(() => undefined);
  }
}
