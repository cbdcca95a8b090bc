// Dead-letter destinations: an NDJSON file and, optionally, an index, for events OpenSearch refused for good.
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Client } from '@opensearch-project/opensearch';
import { sentDocument, type BulkChunk } from './bulk-line.js';

/** One refused event, as written to the dead-letter file and index. */
export interface DeadLetterRecord {
  '@timestamp': string;
  reason: string;
  status: number;
  producer: string;
  /** The `event.sequence` the event was given (a known gap in the producer's sequence, not a loss). */
  sequence: number;
  event_id?: string;
  /** The document as it was sent (or its raw text when it cannot be parsed). */
  document: unknown;
}

/** A refused event: its bulk chunk, the event id it was sent under and its sequence number. */
export type DeadLetterInput = BulkChunk & { sequence: number; link?: string };

/** Builds the record from a refused event's bulk chunk and the event id it was sent under. */
export function deadLetterRecord(refused: DeadLetterInput, status: number, reason: string, producer: string): DeadLetterRecord {
  return {
    '@timestamp': new Date().toISOString(), reason, status, producer, sequence: refused.sequence,
    ...(refused.eventId ? { event_id: refused.eventId } : {}),
    document: sentDocument(refused.body),
  };
}

/** Appends `text` to `file` and fdatasyncs it: once this resolves, the lines survive a crash. */
async function appendDurably(file: string, text: string): Promise<void> {
  const handle = await open(file, 'a');
  try {
    await handle.appendFile(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** Writes dead letters; failures are reported through `onError`, never thrown. */
export class DeadLetterSink {
  private chain: Promise<unknown> = Promise.resolve();
  private dirReady = false;

  constructor(
    private readonly client: Client,
    private readonly file: string | undefined,
    private readonly index: string | undefined,
    private readonly onError: (error: Error) => void,
  ) {}

  /**
   * Queues the records for the file (in order) and the index. Resolves to true once they are safe: appended
   * to the file and synced (or, without a file, in the index); false when that failed (reported).
   */
  write(records: DeadLetterRecord[]): Promise<boolean> {
    const work = async (): Promise<boolean> => {
      if (!records.length) return true;
      if (this.file) {
        try {
          if (!this.dirReady) {
            await mkdir(dirname(this.file), { recursive: true });
            this.dirReady = true;
          }
          await appendDurably(this.file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
        } catch (error) {
          const message = `${(error as Error).message} (the events stay queued, in the spool if there is one, and are tried again)`;
          this.onError(Object.assign(new Error(message), { cause: error }));
          return false;
        }
      }
      if (this.index) {
        try {
          const body = records.flatMap((r) => [{ create: { _index: this.index } }, r]);
          const res = await this.client.bulk({ body }, { maxRetries: 2 });
          if (res.body.errors) throw new Error(`dead-letter index ${this.index} refused some records`);
        } catch (error) {
          this.onError(error as Error);
          return this.file !== undefined; // the file has them
        }
      }
      return true;
    };
    const written = this.chain.then(work, work);
    this.chain = written;
    return written;
  }

  /** Resolves when everything queued is written (or reported). */
  settled(): Promise<void> {
    return this.chain.then(() => undefined);
  }
}
