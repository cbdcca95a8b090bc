// The index-pattern saved object for the audit data streams, its field list derived from the vocabulary's FIELDS.
import { FIELDS, type FieldKind, type FieldSpec as VocabularyField } from '../model/vocabulary.js';
import { INDEX_PATTERN } from '../storage/template.js';
import { ID_PREFIX, MIGRATION_VERSION, type SavedObject } from './saved-object.js';

/** Stable id of the index pattern, so re-importing overwrites it. */
export const INDEX_PATTERN_ID = `${ID_PREFIX}-events`;

/** The time field Discover, the visualizations and the time picker use. */
export const TIME_FIELD = '@timestamp';

/**
 * One entry of the index pattern's `fields` attribute (a JSON string). Shape: `FieldSpec` / `FieldSpecExportFmt`
 * in `src/plugins/data/common/index_patterns/types.ts`; the `multi` sub-type marks a sub-field (`user.name.wildcard`).
 */
export interface DashboardsField {
  name: string;
  type: string;
  esTypes: string[];
  count: 0;
  scripted: false;
  searchable: boolean;
  aggregatable: boolean;
  readFromDocValues: boolean;
  subType?: { multi: { parent: string } };
}

/**
 * Dashboards' field type for each OpenSearch mapping type: `createOsdFieldTypes` in
 * `src/plugins/data/common/osd_field_types/osd_field_types_factory.ts` (keyword, text → string; long → number;
 * date → date; ip → ip). `match_only_text`, `wildcard` and `flat_object` are listed as `string` here; Dashboards
 * only learned those three types after 2.19, so a 2.x Dashboards that refreshes the field list shows them as
 * `unknown`. Harmless: no saved search, visualization or web view query uses them.
 * Aggregatable = has doc values: keyword, date, ip and long do; the text-like and flat_object kinds do not.
 */
const BY_KIND: Record<FieldKind | 'wildcard', { type: string; aggregatable: boolean }> = {
  keyword: { type: 'string', aggregatable: true },
  date: { type: 'date', aggregatable: true },
  ip: { type: 'ip', aggregatable: true },
  long: { type: 'number', aggregatable: true },
  match_only_text: { type: 'string', aggregatable: false },
  wildcard: { type: 'string', aggregatable: false },
  flat_object: { type: 'string', aggregatable: false },
};

/**
 * Meta fields Dashboards adds to every pattern (advanced setting `metaFields`, default in
 * `src/plugins/data/server/ui_settings.ts`); `_type` is left out, OpenSearch 2 has no mapping types.
 */
export const META_FIELDS: readonly DashboardsField[] = [
  { name: '_id', type: 'string', esTypes: ['_id'], count: 0, scripted: false, searchable: true, aggregatable: true, readFromDocValues: false },
  { name: '_index', type: 'string', esTypes: ['_index'], count: 0, scripted: false, searchable: true, aggregatable: true, readFromDocValues: false },
  { name: '_score', type: 'number', esTypes: [], count: 0, scripted: false, searchable: false, aggregatable: false, readFromDocValues: false },
  { name: '_source', type: '_source', esTypes: ['_source'], count: 0, scripted: false, searchable: false, aggregatable: false, readFromDocValues: false },
];

function field(name: string, kind: FieldKind | 'wildcard', parent?: string): DashboardsField {
  const { type, aggregatable } = BY_KIND[kind];
  const out: DashboardsField = { name, type, esTypes: [kind], count: 0, scripted: false, searchable: true, aggregatable, readFromDocValues: aggregatable };
  if (parent) out.subType = { multi: { parent } };
  return out;
}

/** The pattern's field list: every vocabulary field, its sub-fields, then the meta fields. */
export function indexPatternFields(fields: readonly VocabularyField[] = FIELDS): DashboardsField[] {
  const out: DashboardsField[] = [];
  for (const f of fields) {
    out.push(field(f.name, f.kind));
    for (const sub of f.subfields ?? []) {
      // Sub-field kinds as the template maps them (src/storage/template.ts fieldMapping): wildcard, or text as match_only_text.
      out.push(field(`${f.name}.${sub}`, sub === 'wildcard' ? 'wildcard' : 'match_only_text', f.name));
    }
  }
  return [...out, ...META_FIELDS];
}

/** Attributes of an index pattern: `IndexPatternAttributes` in `src/plugins/data/common/index_patterns/types.ts`. */
export interface IndexPatternAttributes {
  title: string;
  timeFieldName: string;
  fields: string;
}

/** The index-pattern saved object (type registered in `src/plugins/data/server/saved_objects/index_patterns.ts`). */
export function buildIndexPattern(): SavedObject<IndexPatternAttributes> {
  return {
    type: 'index-pattern',
    id: INDEX_PATTERN_ID,
    attributes: { title: INDEX_PATTERN, timeFieldName: TIME_FIELD, fields: JSON.stringify(indexPatternFields()) },
    references: [],
    migrationVersion: { 'index-pattern': MIGRATION_VERSION['index-pattern'] },
  };
}
