// Sends one batch of ready-made bulk chunks (`create`, `_id` = event id) and classifies every item's outcome.
import type { Client } from '@opensearch-project/opensearch';
import { decodeOpenSearchError } from '../storage/opensearch-error.js';

/** What became of one document of a batch. */
export type ItemOutcome =
  | { kind: 'delivered'; replay: boolean }
  | { kind: 'retry'; status: number; reason: string }
  | { kind: 'rejected'; status: number; reason: string };

/** What became of a whole bulk request. */
export type BulkResult =
  | { kind: 'items'; outcomes: ItemOutcome[] }
  /** 413: the body is too large; split it. */
  | { kind: 'too-large'; reason: string }
  /** Every item shares one fate: network error, timeout, 429 or 5xx (retry), or another 4xx (rejected). */
  | { kind: 'all'; outcome: ItemOutcome };

/** Statuses worth another try: throttling and server-side trouble. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

interface BulkItemResult {
  status?: number;
  error?: { type?: string; reason?: string } | string;
}

/** Classifies one item of a bulk response. A 409 on `create` means it was already indexed. */
export function classifyItem(item: BulkItemResult | undefined): ItemOutcome {
  const status = item?.status ?? 0;
  if (status >= 200 && status < 300) return { kind: 'delivered', replay: false };
  if (status === 409) return { kind: 'delivered', replay: true };
  const error = item?.error;
  const reason = typeof error === 'string' ? error : `${error?.type ?? 'error'}: ${error?.reason ?? 'no reason given'}`;
  if (status === 0) return { kind: 'retry', status, reason: `no status in bulk response: ${reason}` };
  return isRetryableStatus(status) ? { kind: 'retry', status, reason } : { kind: 'rejected', status, reason };
}

/** Bulk request settings. */
export interface BulkSettings {
  timeoutMs: number;
  gzip: boolean;
}

/** Sends `body` (the concatenated chunks of `count` events) as one bulk request; never throws. */
export async function sendBulk(client: Client, body: Buffer, count: number, settings: BulkSettings): Promise<BulkResult> {
  try {
    const res = await client.transport.request(
      // filter_path: only what classifying needs, so a 1000-item response stays small to parse.
      { method: 'POST', path: '/_bulk', querystring: { filter_path: 'items.*.status,items.*.error' }, bulkBody: body },
      { requestTimeout: settings.timeoutMs, maxRetries: 0, ...(settings.gzip ? { compression: 'gzip' as const } : {}) },
    );
    const answer = res.body as { items?: Record<string, BulkItemResult>[] } | undefined;
    const items = answer?.items ?? [];
    return {
      kind: 'items',
      outcomes: Array.from({ length: count }, (_, i) => {
        const entry = items[i];
        return classifyItem(entry?.create ?? (entry ? Object.values(entry)[0] : undefined));
      }),
    };
  } catch (error) {
    const decoded = decodeOpenSearchError(error);
    const status = decoded.status ?? 0;
    const reason = `bulk request failed: ${decoded.message}`;
    if (status === 413) return { kind: 'too-large', reason };
    return { kind: 'all', outcome: status === 0 || isRetryableStatus(status) ? { kind: 'retry', status, reason } : { kind: 'rejected', status, reason } };
  }
}

/** The ceiling of the `attempt`-th delay: base·2^(attempt-1), capped at `maxMs`. */
export function backoffCeiling(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}

/** Exponential backoff with full jitter: a delay drawn uniformly from [0, ceiling). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.random() * backoffCeiling(attempt, baseMs, maxMs);
}
