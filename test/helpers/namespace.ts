// A data stream namespace of its own for each suite, removed afterwards.
import { randomBytes } from 'node:crypto';
import type { Client } from '@opensearch-project/opensearch';
import { dataStreamName } from '../../src/template.js';

/** A fresh namespace such as `t_1a2b3c4d`. */
export function freshNamespace(): string {
  return `t_${randomBytes(4).toString('hex')}`;
}

/** Deletes the namespace's data stream (if it exists). */
export async function dropNamespace(client: Client, namespace: string): Promise<void> {
  await client.indices.deleteDataStream({ name: dataStreamName(namespace) }).catch(() => undefined);
}
