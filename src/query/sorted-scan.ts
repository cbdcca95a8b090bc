// Reads every hit of a query in a fixed sort order, a page at a time, through a point in time + search_after, asking for the next page before handing out the current one.
import type { Client } from '@opensearch-project/opensearch';
import { isMissingIndexError } from '../storage/opensearch-error.js';

/** One hit as scanned. */
export interface ScanHit {
  _id: string;
  _index?: string;
  _source?: Record<string, unknown>;
  sort?: unknown[];
}

export interface ScanOptions {
  /** Index, data stream or pattern. */
  index: string;
  query?: Record<string, unknown>;
  /** A total order (end with a tie-breaker field), as in a search body. */
  sort: readonly Record<string, unknown>[];
  /** Hits per round trip. Default 5000, between 1 and 10,000. */
  batchSize?: number;
  /** How long the point in time lives between two pages. Default `'2m'`. */
  keepAlive?: string;
  /** Called once with the number of hits the query matches (counted with the first page). */
  onTotal?: (total: number) => void;
}

type Page = { pit_id?: string; hits?: { total?: { value?: number }; hits?: ScanHit[] } };

/**
 * Yields every hit of the query as pages, in the sort order, one page (plus the one being fetched) in memory at a time.
 * A missing index yields nothing. The point in time is deleted when the loop ends, early or not.
 */
export async function* scanSorted(client: Client, options: ScanOptions): AsyncGenerator<ScanHit[], void, undefined> {
  const batchSize = Math.min(Math.max(1, Math.trunc(options.batchSize ?? 5000)), 10_000);
  const keepAlive = options.keepAlive ?? '2m';
  let pitId: string;
  try {
    const pit = await client.createPit({ index: [options.index], keep_alive: keepAlive, allow_partial_pit_creation: false });
    pitId = pit.body.pit_id;
  } catch (error) {
    if (isMissingIndexError(error)) {
      options.onTotal?.(0);
      return;
    }
    throw error;
  }
  let pending: Promise<{ body: Page }> | undefined;
  try {
    const fetchAfter = (after: unknown[] | undefined): Promise<{ body: Page }> => {
      const body: Record<string, unknown> = {
        query: options.query ?? { match_all: {} }, sort: options.sort, size: batchSize, track_total_hits: after === undefined, pit: { id: pitId, keep_alive: keepAlive },
      };
      if (after) body.search_after = after;
      const filterPath = ['pit_id', 'hits.hits._id', 'hits.hits._index', 'hits.hits._source', 'hits.hits.sort', ...(after === undefined ? ['hits.total'] : [])];
      return client.search({ body: body as never, filter_path: filterPath } as never) as unknown as Promise<{ body: Page }>;
    };
    pending = fetchAfter(undefined);
    let first = true;
    for (;;) {
      const { body } = await (pending as Promise<{ body: Page }>);
      pending = undefined;
      const hits = body.hits?.hits ?? [];
      if (body.pit_id) pitId = body.pit_id;
      if (first) options.onTotal?.(body.hits?.total?.value ?? hits.length);
      first = false;
      const after = hits.length === batchSize ? hits[hits.length - 1]?.sort : undefined;
      if (after) {
        pending = fetchAfter(after);
        // Handled when awaited on the next turn; this only keeps a failure meanwhile from counting as unhandled.
        pending.catch(() => undefined);
      }
      if (hits.length) yield hits;
      if (!after) return;
    }
  } finally {
    await pending?.catch(() => undefined);
    await client.deletePit({ body: { pit_id: [pitId] } } as never).catch(() => undefined);
  }
}
