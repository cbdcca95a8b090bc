// Installs or upgrades the index template (idempotent) and creates the audit data stream.
import type { Client } from '@opensearch-project/opensearch';
import { buildIndexTemplate, buildMappingProperties, checkpointStreamName, dataStreamName, INDEX_TEMPLATE_NAME } from './template.js';
import { TEMPLATE_VERSION } from '../model/vocabulary.js';
import { decodeOpenSearchError, explainOpenSearchError } from './opensearch-error.js';
import { checkClusterVersion, UnsupportedClusterError, type ClusterVerdict } from './cluster-version.js';
import { installCheckpointTemplate } from './checkpoint-template.js';
import { applySearchSettings, CONCURRENT_SEARCH, searchSettings, templateSearchMode, withSearchSettings } from './search-settings.js';
import { applyReplicas, checkReplicaSetting, chooseReplicas, templateReplicas, type ReplicaChoice, type ReplicaSetting } from './replicas.js';

export interface SetupResult {
  /** What happened to the template. */
  template: 'installed' | 'upgraded' | 'unchanged' | 'newer-installed';
  /** Version found before, if any. */
  previousVersion?: number;
  dataStream: string;
  dataStreamCreated: boolean;
  /** The template of the signed checkpoints' data stream. */
  checkpointTemplate: 'installed' | 'unchanged';
  /** The replica count given to the templates and to the namespace's existing indices, and why. */
  replicas: ReplicaChoice;
  /** The concurrent segment search mode given to the events' template and existing indices (absent before OpenSearch 2.17). */
  concurrentSearch?: string;
}

export interface SetupOptions {
  /** Data stream namespace. Default: `default`. */
  namespace?: string;
  /** Create the data stream now rather than on first write. Default: true. */
  createDataStream?: boolean;
  /**
   * Replicas of every audit index: a whole number from 0 to 5, or `'auto'`: 1 when the cluster has two or more data nodes,
   * else 0. Set in both templates (for indices to come) and on the namespace's existing indices. Default: `'auto'`.
   */
  replicas?: ReplicaSetting;
  /** The cluster's version verdict when the caller has read it already (`checkClusterVersion`); read here otherwise. */
  clusterVersion?: ClusterVerdict;
}

const statusOf = (error: unknown): number | undefined => decodeOpenSearchError(error).status;

/** Version, content hash, explicit replica count and search mode of the installed template, or undefined when there is none. */
export async function installedTemplate(client: Client): Promise<{ version: number; hash?: string; replicas?: number; searchMode?: string } | undefined> {
  try {
    const res = await client.indices.getIndexTemplate({ name: INDEX_TEMPLATE_NAME });
    const found = res.body.index_templates?.[0]?.index_template as { version?: number; _meta?: { content_hash?: string }; template?: { settings?: unknown } } | undefined;
    const version = typeof found?.version === 'number' ? found.version : 0;
    const hash = found?._meta?.content_hash;
    const replicas = templateReplicas(found?.template?.settings);
    const searchMode = templateSearchMode(found?.template?.settings);
    return { version, ...(hash !== undefined && { hash }), ...(replicas !== undefined && { replicas }), ...(searchMode !== undefined && { searchMode }) };
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw explainOpenSearchError(error);
  }
}

/** Version of the installed template, or undefined when there is none. */
export async function installedTemplateVersion(client: Client): Promise<number | undefined> {
  return (await installedTemplate(client))?.version;
}

/**
 * Installs the template when missing, upgrades an older one (or the same version with other content),
 * leaves an equal or newer one alone. On a cluster too old for the template's field types it throws an
 * {@link UnsupportedClusterError} saying so (`checkClusterVersion` checks beforehand).
 * After an upgrade, the new mappings are added to the existing data stream's write index too.
 * A TLS or authentication failure rejects with an OpenSearchConnectionError saying what to fix.
 */
export async function setupAuditStorage(client: Client, options: SetupOptions = {}): Promise<SetupResult> {
  try {
    return await setup(client, options);
  } catch (error) {
    throw explainOpenSearchError(error);
  }
}

async function setup(client: Client, options: SetupOptions): Promise<SetupResult> {
  const stream = dataStreamName(options.namespace);
  const replicas = await chooseReplicas(client, checkReplicaSetting(options.replicas));
  const installed = await installedTemplate(client);
  const previous = installed?.version;
  // A user allowed to set up but not to read GET / (cluster:monitor/main) still can: without the version, no search settings.
  const verdict = options.clusterVersion ?? (await checkClusterVersion(client).catch(() => undefined));
  const search = searchSettings(verdict);
  const wanted = withSearchSettings(buildIndexTemplate(undefined, replicas.replicas), search);
  let template: SetupResult['template'];
  const stale = installed !== undefined && installed.version === TEMPLATE_VERSION && installed.hash !== wanted._meta.content_hash;
  const otherSettings = installed?.version === TEMPLATE_VERSION && (installed.replicas !== replicas.replicas || installed.searchMode !== search[CONCURRENT_SEARCH.setting]);
  if (previous === undefined || previous < TEMPLATE_VERSION || stale || otherSettings) {
    await client.indices.putIndexTemplate({ name: INDEX_TEMPLATE_NAME, body: wanted as never }).catch((error: unknown) => {
      // An old cluster refuses the template's field types with a raw mapping error: say which version it runs instead.
      if (statusOf(error) === 400 && verdict && !verdict.supported) throw new UnsupportedClusterError(verdict);
      throw error;
    });
    template = previous === undefined ? 'installed' : stale || previous < TEMPLATE_VERSION ? 'upgraded' : 'unchanged';
  } else {
    template = previous === TEMPLATE_VERSION ? 'unchanged' : 'newer-installed';
  }

  const checkpointTemplate = await installCheckpointTemplate(client, replicas.replicas);
  let dataStreamCreated = false;
  if (options.createDataStream ?? true) {
    try {
      await client.indices.createDataStream({ name: stream });
      dataStreamCreated = true;
    } catch (error) {
      const { status, type } = decodeOpenSearchError(error);
      if (status !== 400 || type !== 'resource_already_exists_exception') throw error;
    }
  }
  if (template === 'upgraded' && !dataStreamCreated) {
    // Add new fields to the existing write index too (mappings only ever grow; a stream that does not exist yet is fine).
    await client.indices.putMapping({ index: stream, body: { properties: buildMappingProperties() } as never }).catch((error: unknown) => {
      if (statusOf(error) !== 404) throw error;
    });
  }
  // Indices that exist already take the count now; the templates give it to those to come (every namespace's next rollover).
  for (const index of [stream, checkpointStreamName(options.namespace)]) await applyReplicas(client, index, replicas.replicas);
  await applySearchSettings(client, stream, search);
  const result: SetupResult = { template, dataStream: stream, dataStreamCreated, checkpointTemplate, replicas };
  const concurrentSearch = search[CONCURRENT_SEARCH.setting];
  if (concurrentSearch) result.concurrentSearch = concurrentSearch;
  if (previous !== undefined) result.previousVersion = previous;
  return result;
}
