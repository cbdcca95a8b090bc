// Dead-letter destinations: an NDJSON file and, optionally, an index, for events OpenSearch refused for good.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Client } from '@opensearch-project/opensearch';
import { sentDocument, type BulkChunk } from './bulk-line.js';

/** One refused event, as written to the dead-letter file and index. */
export interface DeadLetterRecord {
  '@timestamp': string;
  reason: string;
  status: number;
  producer: string;
  event_id?: string;
  /** The document as it was sent (or its raw text when it cannot be parsed). */
  document: unknown;
}

/** Builds the record from a refused event's bulk chunk and the event id it was sent under. */
export function deadLetterRecord(refused: BulkChunk, status: number, reason: string, producer: string): DeadLetterRecord {
  return {
    '@timestamp': new Date().toISOString(), reason, status, producer,
    ...(refused.eventId ? { event_id: refused.eventId } : {}),
    document: sentDocument(refused.body),
  };
}

/** Writes dead letters; failures are returned to the caller to report, never thrown. */
export class DeadLetterSink {
  private chain: Promise<void> = Promise.resolve();
  private dirReady = false;

  constructor(
    private readonly client: Client,
    private readonly file: string | undefined,
    private readonly index: string | undefined,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Queues the records for the file (in order) and the index. */
  write(records: DeadLetterRecord[]): Promise<void> {
    if (!records.length) return this.chain;
    const work = async () => {
      if (this.file) {
        if (!this.dirReady) {
          await mkdir(dirname(this.file), { recursive: true });
          this.dirReady = true;
        }
        await appendFile(this.file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      }
      if (this.index) {
        const body = records.flatMap((r) => [{ create: { _index: this.index } }, r]);
        const res = await this.client.bulk({ body }, { maxRetries: 2 });
        if (res.body.errors) throw new Error(`dead-letter index ${this.index} refused some records`);
      }
    };
    this.chain = this.chain.then(work).catch((error: Error) => this.onError(error));
    return this.chain;
  }

  /** Resolves when everything queued is written (or reported). */
  settled(): Promise<void> {
    return this.chain;
  }
}
