// The index template of the checkpoint data streams (`logs-audit_trail.checkpoints-*`), built from the checkpoint field table, and its installation.
import type { Client } from '@opensearch-project/opensearch';
import { CHECKPOINT_DATASET, CHECKPOINT_FIELDS, CHECKPOINT_TEMPLATE_NAME, DATA_STREAM_TYPE, TEMPLATE_VERSION } from '../model/vocabulary.js';
import { buildMappingProperties, templateHash, withReplicas } from './template.js';
import { templateReplicas } from './replicas.js';
import { decodeOpenSearchError } from './opensearch-error.js';

/** The index pattern of every namespace's checkpoint stream. */
export const CHECKPOINT_INDEX_PATTERN = `${DATA_STREAM_TYPE}-${CHECKPOINT_DATASET}-*`;

/** The composable index template body (PUT _index_template/audit-trail-checkpoints), with an explicit replica count when given. */
export function buildCheckpointTemplate(replicas?: number) {
  const body = {
    index_patterns: [CHECKPOINT_INDEX_PATTERN],
    data_stream: {},
    priority: 200,
    version: TEMPLATE_VERSION,
    _meta: { managed_by: 'audit-trail-opensearch', version: TEMPLATE_VERSION, description: 'Signed checkpoints of the audit producers’ hash chains. Generated from src/model/vocabulary.ts.' },
    template: {
      settings: { 'index.number_of_shards': 1, 'index.auto_expand_replicas': '0-1', 'index.refresh_interval': '1s' },
      mappings: { dynamic: false, date_detection: false, properties: buildMappingProperties(CHECKPOINT_FIELDS) },
    },
  };
  return withReplicas({ ...body, _meta: { ...body._meta, content_hash: templateHash(body) } }, replicas);
}

/** Installs the checkpoint template unless the same one (same replica count included) is there; says which. */
export async function installCheckpointTemplate(client: Client, replicas?: number): Promise<'installed' | 'unchanged'> {
  const wanted = buildCheckpointTemplate(replicas);
  try {
    const res = await client.indices.getIndexTemplate({ name: CHECKPOINT_TEMPLATE_NAME });
    const found = res.body.index_templates?.[0]?.index_template as { _meta?: { content_hash?: string }; template?: { settings?: unknown } } | undefined;
    const sameReplicas = replicas === undefined || templateReplicas(found?.template?.settings) === replicas;
    if (found?._meta?.content_hash === wanted._meta.content_hash && sameReplicas) return 'unchanged';
  } catch (error) {
    if (decodeOpenSearchError(error).status !== 404) throw error;
  }
  await client.indices.putIndexTemplate({ name: CHECKPOINT_TEMPLATE_NAME, body: wanted as never });
  return 'installed';
}
