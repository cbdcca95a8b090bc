// Whose copy a stored id holds: before records that may be stored already are sent again, and after a 409 on a first sending.
import type { Client } from '@opensearch-project/opensearch';
import type { QueuedRecord } from './queue.js';
import { chunkIndex } from './bulk-line.js';

/** What the screen found among the records of a batch. */
export interface Screened {
  /** Stored already by this producer under the same sequence: delivered (a replay). */
  stored: QueuedRecord[];
  /** Their id is stored already for another event (another producer or sequence): never sent again. */
  conflicts: QueuedRecord[];
}

/** Whether a record may be stored already: read back from a spool at start, or sent before without a clear answer. */
export function mayBeStored(record: QueuedRecord): boolean {
  return record.recovered === true || record.attempts > 0;
}

/** Looks up stored copies of records: theirs (same producer and sequence) or another event's under the same id. */
export interface CopyFinder {
  /**
   * Before records that may be stored already are sent again: `create` with `_id` finds an earlier
   * copy only in the write index, so once the data stream has rolled over a copy in an older backing
   * index is not seen; those are looked up (the hot path never asks).
   */
  screen(batch: readonly QueuedRecord[]): Promise<Screened>;
  /**
   * After a 409 on a record's first sending: OpenSearch answers so for a copy it made itself (it
   * retries an operation whose primary was lost mid-request) as for another event under a reused id;
   * the stored copies in every backing index, the write index too, tell the two apart.
   */
  identify(records: readonly QueuedRecord[]): Promise<Screened>;
}

/** The copy finder of one producer's records, looking them up in real time (`_mget`). */
export function copyFinder(client: Client, producer: string): CopyFinder {
  const lookUp = async (records: readonly QueuedRecord[], writeIndexToo: boolean): Promise<Screened> => {
    const screened: Screened = { stored: [], conflicts: [] };
    const byStream = new Map<string, QueuedRecord[]>();
    for (const record of records) {
      const stream = chunkIndex(record.body);
      if (stream) byStream.set(stream, [...(byStream.get(stream) ?? []), record]);
    }
    for (const [stream, group] of byStream) {
      const found = await client.transport.request({ method: 'GET', path: `/_data_stream/${encodeURIComponent(stream)}` }, { maxRetries: 0 });
      const indices = ((found.body as { data_streams?: { indices?: { index_name: string }[] }[] }).data_streams?.[0]?.indices ?? []).map((i) => i.index_name);
      const searched = writeIndexToo ? indices : indices.slice(0, -1); // the last is the write index, where `create` itself answers 409
      if (searched.length === 0) continue;
      const docs = group.flatMap((r) => searched.map((index) => ({ _index: index, _id: r.eventId })));
      const res = await client.transport.request(
        { method: 'POST', path: '/_mget', querystring: { _source_includes: 'audit_trail.producer,event.sequence' }, body: { docs } },
        { maxRetries: 0 },
      );
      const hits = (res.body as { docs: { _id: string; found?: boolean; _source?: { audit_trail?: { producer?: string }; event?: { sequence?: number } } }[] }).docs;
      const seen = new Map<string, { producer?: string; sequence?: number }>();
      for (const hit of hits) if (hit.found) seen.set(hit._id, { producer: hit._source?.audit_trail?.producer, sequence: hit._source?.event?.sequence });
      for (const record of group) {
        const copy = seen.get(record.eventId);
        if (!copy) continue;
        if (copy.producer === producer && (copy.sequence ?? 0) === record.sequence) screened.stored.push(record); // a checkpoint has no sequence
        else screened.conflicts.push(record);
      }
    }
    return screened;
  };
  return {
    screen: (batch) => lookUp(batch.filter(mayBeStored), false),
    identify: (records) => lookUp(records, true),
  };
}
