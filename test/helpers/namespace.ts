// A data stream namespace of its own for each suite, set up before it and removed afterwards.
import { randomBytes } from 'node:crypto';
import type { Client } from '@opensearch-project/opensearch';
import { checkpointStreamName, dataStreamName } from '../../src/storage/template.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { testClient } from './opensearch.js';

/** A fresh namespace such as `t_1a2b3c4d`. */
export function freshNamespace(): string {
  return `t_${randomBytes(4).toString('hex')}`;
}

/** Deletes the namespace's data streams, events and checkpoints (those that exist). */
export async function dropNamespace(client: Client, namespace: string): Promise<void> {
  await client.indices.deleteDataStream({ name: dataStreamName(namespace) }).catch(() => undefined);
  await client.indices.deleteDataStream({ name: checkpointStreamName(namespace) }).catch(() => undefined);
}

/**
 * A suite's own namespace: the template and data stream set up before its tests, dropped after.
 * `client` is the test cluster's client (or the one given), available from the first hook on.
 */
export function useAuditNamespace(getClient: () => Client = testClient): { readonly client: Client; readonly namespace: string; readonly index: string } {
  const namespace = freshNamespace();
  let client: Client | undefined;
  before(async () => {
    client = getClient();
    await setupAuditStorage(client, { namespace });
  });
  after(() => (client ? dropNamespace(client, namespace) : undefined));
  return {
    get client() {
      if (!client) throw new Error('useAuditNamespace: client used before the suite’s before() hook ran');
      return client;
    },
    namespace,
    index: dataStreamName(namespace),
  };
}
