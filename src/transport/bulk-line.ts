// The bulk line codec: an event's `create` action line and document line, built once, and the few reads back from them.
import type { AuditDocument } from '../model/ecs-document.js';

/** Longest `_id` OpenSearch takes, in UTF-8 bytes. */
export const MAX_ID_BYTES = 512;

/** One event ready to send: its bulk chunk and the id it is indexed under. */
export interface BulkChunk {
  /** `{"create":{"_index":…,"_id":…}}\n{document}\n`, serialised once. */
  body: Buffer;
  /** The `_id` of the action line: the document's `event.id`. */
  eventId: string;
}

/** The action and document lines of one event, for the data stream it was accepted for. */
export type BulkChunkEncoder = (document: AuditDocument) => BulkChunk;

/** Makes the encoder of a data stream; its action line prefix is built once. */
export function bulkChunkEncoder(dataStream: string): BulkChunkEncoder {
  const actionPrefix = `{"create":{"_index":${JSON.stringify(dataStream)},"_id":`;
  return (document) => {
    const eventId = document.event.id;
    if (typeof eventId !== 'string' || eventId.length === 0 || Buffer.byteLength(eventId) > MAX_ID_BYTES) {
      throw new TypeError(`event.id must be a string of 1 to ${MAX_ID_BYTES} bytes, got ${JSON.stringify(eventId)}`);
    }
    return { body: Buffer.from(`${actionPrefix}${JSON.stringify(eventId)}}}\n${JSON.stringify(document)}\n`), eventId };
  };
}

/** Where the document line starts: JSON.stringify never writes a raw newline, so the action line ends at the first one. */
function documentStart(body: Buffer): number {
  return body.indexOf(0x0a) + 1;
}

/** The document as it was sent (for the dead letter): parsed, or its raw text should it not be JSON. */
export function sentDocument(body: Buffer): unknown {
  const text = body.toString('utf8', documentStart(body)).trimEnd();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The event id and sequence of a chunk from a spool record written before records carried them in
 * their header: read from the action line's `_id` and the document's `event.sequence` (never from
 * anything caller metadata could hold). Only old-format records take this path.
 */
export function legacyChunkFacts(body: Buffer): { eventId: string; sequence: number } {
  const start = documentStart(body);
  let eventId = '';
  let sequence = 0;
  try {
    const action = JSON.parse(body.toString('utf8', 0, start)) as { create?: { _id?: unknown } };
    if (typeof action.create?._id === 'string') eventId = action.create._id;
    const document = sentDocument(body) as { event?: { sequence?: unknown } } | string;
    const found = typeof document === 'object' ? document?.event?.sequence : undefined;
    if (typeof found === 'number' && Number.isSafeInteger(found) && found > 0) sequence = found;
  } catch {
    /* not a bulk chunk: no facts; the record is still replayed as it is */
  }
  return { eventId, sequence };
}
