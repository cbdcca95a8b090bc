// Sends one batch with the bulk API (`create`, `_id` = event id) and classifies every item's outcome.
import type { Client } from '@opensearch-project/opensearch';
import type { AuditDocument } from '../ecs-document.js';

/** What became of one document of a batch. */
export type ItemOutcome =
  | { kind: 'delivered'; replay: boolean }
  | { kind: 'retry'; status: number; reason: string }
  | { kind: 'rejected'; status: number; reason: string };

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

/** Sends the documents to the data stream; one outcome per document, in order. Never throws. */
export async function sendBulk(
  client: Client,
  dataStream: string,
  documents: readonly AuditDocument[],
  timeoutMs = 30_000,
): Promise<ItemOutcome[]> {
  const body: Record<string, unknown>[] = [];
  for (const doc of documents) {
    body.push({ create: { _index: dataStream, _id: doc.event.id } }, doc);
  }
  try {
    const res = await client.bulk({ body }, { requestTimeout: timeoutMs, maxRetries: 0 });
    const items = res.body.items ?? [];
    return documents.map((_, i) => {
      const entry = items[i] as Record<string, BulkItemResult> | undefined;
      return classifyItem(entry?.create);
    });
  } catch (error) {
    const err = error as { meta?: { statusCode?: number }; message?: string };
    const status = err.meta?.statusCode ?? 0;
    const reason = `bulk request failed: ${err.message ?? String(error)}`;
    const outcome: ItemOutcome =
      status === 0 || isRetryableStatus(status) ? { kind: 'retry', status, reason } : { kind: 'rejected', status, reason };
    return documents.map(() => outcome);
  }
}
