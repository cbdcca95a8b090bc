// The OpenSearch Dashboards 2.x saved-object shapes this project writes, with the source file each rule comes from.

/**
 * One reference from an object to another (`name` is what the object's attributes point at).
 * Format: `SavedObjectReference` in OpenSearch-Dashboards `src/core/types/saved_objects.ts`.
 */
export interface SavedObjectReference {
  readonly name: string;
  readonly type: SavedObjectType;
  readonly id: string;
}

/** The types this file exports, each registered by the Dashboards plugin named in `MIGRATION_VERSION`. */
export type SavedObjectType = 'index-pattern' | 'search' | 'visualization' | 'dashboard';

/** One line of the NDJSON file: `type`, `id`, `attributes`, `references` (+ `migrationVersion`). */
export interface SavedObject<A extends object = object> {
  readonly type: SavedObjectType;
  readonly id: string;
  readonly attributes: A;
  readonly references: readonly SavedObjectReference[];
  /** `{ [type]: version }`: the last migration already applied, so Dashboards runs none of the older ones. */
  readonly migrationVersion: Readonly<Partial<Record<SavedObjectType, string>>>;
}

/**
 * The newest migration each type registers in Dashboards 2.x (the highest key of its `migrations` map), so an
 * import runs no migration and stores the objects as written. A higher version than Dashboards knows would be
 * refused, a lower one would re-run old migrations; every one of these is what a 2.x export carries.
 * - index-pattern: `src/plugins/data/server/saved_objects/index_pattern_migrations.ts` (6.5.0, 7.6.0)
 * - search: `src/plugins/discover/server/saved_objects/search_migrations.ts` (6.7.2, 7.0.0, 7.4.0, 7.9.3)
 * - visualization: `src/plugins/visualizations/server/saved_objects/visualization_migrations.ts` (… 7.9.3, 7.10.0)
 * - dashboard: `src/plugins/dashboard/server/saved_objects/dashboard_migrations.ts` (6.7.2, 7.0.0, 7.3.0, 7.9.3)
 */
export const MIGRATION_VERSION: Readonly<Record<SavedObjectType, string>> = {
  'index-pattern': '7.6.0',
  search: '7.9.3',
  visualization: '7.10.0',
  dashboard: '7.9.3',
};

/**
 * The `kibanaSavedObjectMeta.searchSourceJSON` of searches and visualizations. The index is not inline: it is
 * `indexRefName`, resolved against `references` by `injectReferences` in
 * `src/plugins/data/common/search/search_source/inject_references.ts` (the name is the one the 7.0.0 migration in
 * `src/plugins/discover/server/saved_objects/search_migrations.ts` gives: `kibanaSavedObjectMeta.searchSourceJSON.index`).
 */
export interface SearchSource {
  readonly query: { readonly query: string; readonly language: 'lucene' | 'kuery' };
  readonly filter: readonly unknown[];
  readonly indexRefName?: string;
  readonly highlightAll?: boolean;
  readonly version?: boolean;
}

/** The reference name a search source's `indexRefName` uses. */
export const INDEX_REF_NAME = 'kibanaSavedObjectMeta.searchSourceJSON.index';

/** Every id starts with this, so the objects are easy to find and never collide with a user's own. */
export const ID_PREFIX = 'audit-trail';

/** The reference from a search or visualization to the audit index pattern. */
export function indexPatternReference(indexPatternId: string): SavedObjectReference {
  return { name: INDEX_REF_NAME, type: 'index-pattern', id: indexPatternId };
}

/** A search source on the audit index pattern with a Lucene query (`''` matches everything). */
export function searchSourceJSON(query: string): string {
  const source: SearchSource = {
    query: { query, language: 'lucene' },
    filter: [],
    indexRefName: INDEX_REF_NAME,
    highlightAll: true,
    version: true,
  };
  return JSON.stringify(source);
}
