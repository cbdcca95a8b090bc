// Seeds a namespace with chained producers written straight with client.bulk (events and signed checkpoints), and tampers with it as someone with write access to the cluster would.
import { installCheckpointTemplate } from '../../src/storage/checkpoint-template.js';
import type { Client } from '@opensearch-project/opensearch';
import { checkpointDocument, checkpointId, type SignedCheckpoint } from '../../src/integrity/checkpoint.js';
import { checkpointStreamName, dataStreamName } from '../../src/storage/template.js';
import type { ChainProducer, StoredEvent } from './chains.js';

/** The checkpoint streams' template, as `audit-trail setup` installs it (tests that write checkpoints without a setup). */
export async function ensureCheckpointTemplate(client: Client): Promise<void> {
  await installCheckpointTemplate(client);
}

/** Bulk-creates events as their producer sent them (the JSON text itself, `_id` = event id). */
export async function writeEvents(client: Client, namespace: string, events: readonly StoredEvent[], refresh = true): Promise<void> {
  const body: string[] = [];
  for (const e of events) body.push(JSON.stringify({ create: { _id: e.id } }), e.json);
  await bulk(client, dataStreamName(namespace), body, refresh);
}

/** Bulk-creates checkpoint documents (`_id` = checkpointId). */
export async function writeCheckpoints(client: Client, namespace: string, checkpoints: readonly SignedCheckpoint[], refresh = true): Promise<void> {
  const body: string[] = [];
  for (const c of checkpoints) body.push(JSON.stringify({ create: { _id: checkpointId(c) } }), JSON.stringify(checkpointDocument(c)));
  await bulk(client, checkpointStreamName(namespace), body, refresh);
}

async function bulk(client: Client, index: string, body: string[], refresh: boolean): Promise<void> {
  if (body.length === 0) return;
  const res = await client.bulk({ index, body, refresh } as never);
  const items = (res.body as { errors: boolean; items: { create: { status: number; error?: unknown } }[] }).items;
  const failed = items.filter((i) => i.create.status >= 300);
  if (failed.length) throw new Error(`bulk into ${index}: ${failed.length} refused, e.g. ${JSON.stringify(failed[0])}`);
}

/** Writes producers' events and checkpoints into the namespace. */
export async function seedProducers(client: Client, namespace: string, producers: readonly ChainProducer[]): Promise<void> {
  await writeEvents(client, namespace, producers.flatMap((p) => p.events));
  await writeCheckpoints(client, namespace, producers.flatMap((p) => p.checkpoints));
}

/** The backing index and `_id` of a document found by a term query in a data stream. */
export async function locate(client: Client, stream: string, field: string, value: string | number): Promise<{ index: string; id: string }> {
  const res = await client.search({ index: stream, body: { query: { term: { [field]: value } }, size: 2 } as never });
  const hits = res.body.hits.hits as { _index: string; _id: string }[];
  if (hits.length !== 1) throw new Error(`${field}=${value} in ${stream}: ${hits.length} documents`);
  return { index: hits[0]!._index, id: hits[0]!._id };
}

/** A partial-document update of one event on its backing index (what an attacker with write access can do). */
export async function updateEvent(client: Client, namespace: string, eventId: string, doc: Record<string, unknown>): Promise<void> {
  const { index, id } = await locate(client, dataStreamName(namespace), 'event.id', eventId);
  await client.update({ index, id, body: { doc }, refresh: true } as never);
}

/** Deletes documents of a data stream found by a query, on their backing indices (the test node has no delete-by-query). */
export async function deleteWhere(client: Client, stream: string, query: Record<string, unknown>): Promise<number> {
  const res = await client.search({ index: stream, body: { query, size: 10_000, _source: false } as never });
  const hits = res.body.hits.hits as { _index: string; _id: string }[];
  if (hits.length === 0) return 0;
  await client.bulk({ body: hits.map((h) => ({ delete: { _index: h._index, _id: h._id } })), refresh: true } as never);
  return hits.length;
}
