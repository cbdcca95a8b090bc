// Seeds a namespace through the real transport (typed API with a spool and a signing key): backdated events, rollovers between parts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@opensearch-project/opensearch';
import { sampleEvent } from './events.js';
import { createAuditLogger } from '../../src/recorder/audit-logger.js';
import { dataStreamName } from '../../src/storage/template.js';

export interface TransportSeed {
  /** `audit_trail.producer` of the events. */
  producerId: string;
  /** Ed25519 private key (PEM) signing the producer's checkpoints. */
  signingKeyPem: string;
  /** Time of sequence 1, in ms; sequence n is `startMs + (n - 1) * stepMs`. */
  startMs: number;
  stepMs: number;
  /** Events of each part; the data stream rolls over after each part that says so. */
  parts: readonly { count: number; rollover: boolean }[];
  /** A signed checkpoint after this many events. */
  checkpointEvery: number;
}

/** Records the parts' events through `createAuditLogger`, flushing and rolling over between parts; returns the event ids in sequence order. */
export async function seedThroughTransport(client: Client, namespace: string, seed: TransportSeed): Promise<string[]> {
  const spoolDir = mkdtempSync(join(tmpdir(), 'audit-seed-spool-'));
  const audit = createAuditLogger({
    client, namespace, producerId: seed.producerId, spoolDir, signingKey: seed.signingKeyPem,
    checkpointEvery: seed.checkpointEvery, checkpointIntervalMs: 86_400_000, flushIntervalMs: 50,
  });
  const ids: string[] = [];
  try {
    for (const part of seed.parts) {
      for (let i = 0; i < part.count; i++) {
        const sequence = ids.length + 1;
        const { id: _fixed, ...event } = sampleEvent({ time: new Date(seed.startMs + (sequence - 1) * seed.stepMs).toISOString(), resource: { type: 'workspace', id: `ws-${sequence}` } });
        ids.push(audit.record(event));
      }
      await audit.flush();
      if (part.rollover) await client.indices.rollover({ alias: dataStreamName(namespace) });
    }
  } finally {
    const undelivered = await audit.close();
    rmSync(spoolDir, { recursive: true, force: true });
    const { deadLettered, dropped } = audit.stats();
    if (undelivered || deadLettered || dropped) throw new Error(`seeding ${namespace}: ${undelivered} undelivered, ${deadLettered} dead-lettered, ${dropped} dropped`);
  }
  await client.indices.refresh({ index: dataStreamName(namespace) });
  return ids;
}
