// Builds the composable index template for the audit data stream from the vocabulary's field list.
import { createHash } from 'node:crypto';
import { replicaSettings } from './replicas.js';
import { CHECKPOINT_DATASET, DATASET, DATA_STREAM_TYPE, DEFAULT_NAMESPACE, FIELDS, INDEX_TEMPLATE_NAME, TEMPLATE_VERSION, type FieldSpec } from '../model/vocabulary.js';

export type Mapping = Record<string, unknown>;
export interface ObjectMapping {
  properties: Record<string, Mapping | ObjectMapping>;
}

/** Name of the data stream for a namespace: `logs-audit_trail.events-<namespace>`. */
export function dataStreamName(namespace: string = DEFAULT_NAMESPACE): string {
  if (!/^[a-z0-9_]+$/.test(namespace)) {
    throw new RangeError(`namespace ${JSON.stringify(namespace)} must be lower case letters, digits and _ (no "-")`);
  }
  return `${DATA_STREAM_TYPE}-${DATASET}-${namespace}`;
}

/** Name of the checkpoint data stream for a namespace: `logs-audit_trail.checkpoints-<namespace>`. */
export function checkpointStreamName(namespace: string = DEFAULT_NAMESPACE): string {
  return dataStreamName(namespace).replace(`-${DATASET}-`, `-${CHECKPOINT_DATASET}-`);
}

/** The index pattern the template applies to (every namespace). */
export const INDEX_PATTERN = `${DATA_STREAM_TYPE}-${DATASET}-*`;

/** OpenSearch mapping of one field. */
export function fieldMapping(field: FieldSpec): Mapping {
  const mapping: Mapping = { type: field.kind };
  if (field.kind === 'keyword') mapping.ignore_above = 1024;
  const sub: Record<string, Mapping> = {};
  for (const kind of field.subfields ?? []) {
    sub[kind] = kind === 'wildcard' ? { type: 'wildcard' } : { type: 'match_only_text' };
  }
  if (Object.keys(sub).length) mapping.fields = sub;
  return mapping;
}

/** Nested `properties` for every field of the list. */
export function buildMappingProperties(fields: readonly FieldSpec[] = FIELDS): ObjectMapping['properties'] {
  const root: ObjectMapping = { properties: {} };
  for (const field of fields) {
    const parts = field.name.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const child = (node.properties[part] ??= { properties: {} }) as ObjectMapping;
      node = child;
    }
    node.properties[parts[parts.length - 1] as string] = fieldMapping(field);
  }
  return root.properties;
}

/**
 * The composable index template body (PUT _index_template/audit-trail). With `replicas`, that explicit count replaces the
 * auto-expansion (what `setup` installs); the content hash is the same either way, as it names the package's content.
 */
export function buildIndexTemplate(fields: readonly FieldSpec[] = FIELDS, replicas?: number) {
  const body = templateBody(fields);
  return withReplicas({ ...body, _meta: { ...body._meta, content_hash: templateHash(body) } }, replicas);
}

/** A template body with an explicit replica count instead of `index.auto_expand_replicas` (unchanged without one). */
export function withReplicas<T extends { template: { settings: Record<string, unknown> } }>(body: T, replicas: number | undefined): T {
  if (replicas === undefined) return body;
  const { 'index.auto_expand_replicas': _auto, ...settings } = body.template.settings;
  return { ...body, template: { ...body.template, settings: { ...settings, ...replicaSettings(replicas) } } };
}

/** Hash of the template's content, so set-up notices a change even if the version was not bumped. */
export function templateHash(body: { template: unknown; index_patterns: unknown; priority: unknown }): string {
  return createHash('sha256')
    .update(JSON.stringify([body.index_patterns, body.priority, body.template]))
    .digest('hex')
    .slice(0, 16);
}

function templateBody(fields: readonly FieldSpec[]) {
  return {
    index_patterns: [INDEX_PATTERN],
    data_stream: {},
    // Above the generic logs-*-* templates a cluster may have (priority 100).
    priority: 200,
    version: TEMPLATE_VERSION,
    _meta: {
      managed_by: 'audit-trail-opensearch',
      version: TEMPLATE_VERSION,
      description: 'Audit events (who did what to which resource, when, from where). Generated from src/model/vocabulary.ts.',
    },
    template: {
      settings: {
        'index.number_of_shards': 1,
        // Installed by hand: one replica where there is a second node to hold it. `setup` puts an explicit count instead (replicas.ts).
        'index.auto_expand_replicas': '0-1',
        'index.refresh_interval': '1s',
        'index.mapping.total_fields.limit': 200,
        // Stored newest first, in the list's own order: a page sorted by time stops once it has its rows, and a
        // `search_after` cursor skips straight to its place. Applies to backing indices created from now on.
        'index.sort.field': ['@timestamp', 'event.id'],
        'index.sort.order': ['desc', 'desc'],
      },
      mappings: {
        // Unknown fields stay in _source but never create mappings.
        dynamic: false,
        date_detection: false,
        properties: buildMappingProperties(fields),
      },
    },
  };
}

export type IndexTemplate = ReturnType<typeof buildIndexTemplate>;
export { INDEX_TEMPLATE_NAME };
