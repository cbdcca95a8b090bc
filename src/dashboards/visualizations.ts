// The visualizations (actions over time, top users, top targets, failures over time), declared as data and built.
import { ACTIONS, type FieldName } from '../model/vocabulary.js';
import { INDEX_PATTERN_ID, TIME_FIELD } from './index-pattern.js';
import { ID_PREFIX, MIGRATION_VERSION, indexPatternReference, searchSourceJSON, type SavedObject } from './saved-object.js';

/**
 * One aggregation of a `visState` (an `AggConfig` serialized by Dashboards). Parameter names are those of the agg
 * types in `src/plugins/data/common/search/aggs/buckets/date_histogram.ts` and `.../buckets/terms.ts`; the shape
 * is the one the built-in sample visualizations carry (`src/plugins/home/server/services/sample_data/data_sets/logs/saved_objects.ts`).
 */
export type VisAgg =
  | { id: string; enabled: true; type: 'count'; schema: 'metric'; params: Record<string, never> }
  | { id: string; enabled: true; type: 'date_histogram'; schema: 'segment'; params: { field: FieldName; interval: 'auto'; min_doc_count: number; extended_bounds: Record<string, never> } }
  | {
      id: string;
      enabled: true;
      type: 'terms';
      schema: 'group' | 'bucket';
      params: { field: FieldName; size: number; order: 'desc'; orderBy: string; otherBucket: false; missingBucket: false; customLabel?: string };
    };

/** One visualization: its id suffix, title, chart type, aggregations and the Lucene query it is limited to. */
export interface VisualizationSpec {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  /** Built-in vis type: `histogram` (vertical bars, vislib) or `table` (data table). */
  readonly visType: 'histogram' | 'table';
  readonly params: Record<string, unknown>;
  readonly aggs: readonly VisAgg[];
  /** Lucene query (`''` = every event). */
  readonly query: string;
}

const count: VisAgg = { id: '1', enabled: true, type: 'count', schema: 'metric', params: {} };
const overTime: VisAgg = {
  id: '2',
  enabled: true,
  type: 'date_histogram',
  schema: 'segment',
  params: { field: TIME_FIELD, interval: 'auto', min_doc_count: 1, extended_bounds: {} },
};
function terms(id: string, schema: 'group' | 'bucket', field: FieldName, size: number, customLabel: string): VisAgg {
  return { id, enabled: true, type: 'terms', schema, params: { field, size, order: 'desc', orderBy: '1', otherBucket: false, missingBucket: false, customLabel } };
}

/**
 * Vertical bars. Only the params that differ from nothing are given: Dashboards fills the rest (axes, series) from
 * the vis type's defaults when it loads the object (`getParams` in `src/plugins/visualizations/public/vis.ts`:
 * `defaults({}, params, type.visConfig.defaults)`); the series default points at metric id `'1'`, the count below.
 */
const barParams = { type: 'histogram', addTooltip: true, addLegend: true, legendPosition: 'right', times: [], addTimeMarker: false };
const tableParams = { perPage: 10, showPartialRows: false, showMetricsAtAllLevels: false, showTotal: false, totalFunc: 'sum', percentageCol: '' };

/** How many users and targets the "top" tables list. */
export const TOP_SIZE = 10;

export const VISUALIZATIONS: readonly VisualizationSpec[] = [
  {
    key: 'actions-over-time',
    title: 'Audit: actions over time',
    description: 'Events per time interval, one colour per action.',
    visType: 'histogram',
    params: barParams,
    // Every action of the vocabulary gets its own series.
    aggs: [count, overTime, terms('3', 'group', 'event.action', ACTIONS.length, 'Action')],
    query: '',
  },
  {
    key: 'top-users',
    title: 'Audit: top users',
    description: `The ${TOP_SIZE} users with the most events.`,
    visType: 'table',
    params: tableParams,
    aggs: [count, terms('2', 'bucket', 'user.name', TOP_SIZE, 'User')],
    query: '',
  },
  {
    key: 'top-targets',
    title: 'Audit: top targets',
    description: `The ${TOP_SIZE} resources acted on most.`,
    visType: 'table',
    params: tableParams,
    aggs: [count, terms('2', 'bucket', 'audit_trail.resource.target', TOP_SIZE, 'Target')],
    query: '',
  },
  {
    key: 'failures-over-time',
    title: 'Audit: failures over time',
    description: 'Failed actions per time interval.',
    visType: 'histogram',
    params: barParams,
    aggs: [count, overTime],
    query: 'event.outcome:failure',
  },
];

/** Stable id of a visualization. */
export function visualizationId(key: string): string {
  return `${ID_PREFIX}-vis-${key}`;
}

/** Attributes of a visualization: mappings in `src/plugins/visualizations/server/saved_objects/visualization.ts`. */
export interface VisualizationAttributes {
  title: string;
  description: string;
  visState: string;
  uiStateJSON: string;
  version: 1;
  kibanaSavedObjectMeta: { searchSourceJSON: string };
}

/** The `visState` object of a spec (serialized into the `visState` attribute). */
export function visState(vis: VisualizationSpec) {
  return { title: vis.title, type: vis.visType, params: vis.params, aggs: vis.aggs };
}

export function buildVisualization(vis: VisualizationSpec): SavedObject<VisualizationAttributes> {
  return {
    type: 'visualization',
    id: visualizationId(vis.key),
    attributes: {
      title: vis.title,
      description: vis.description,
      visState: JSON.stringify(visState(vis)),
      uiStateJSON: '{}',
      version: 1,
      kibanaSavedObjectMeta: { searchSourceJSON: searchSourceJSON(vis.query) },
    },
    references: [indexPatternReference(INDEX_PATTERN_ID)],
    migrationVersion: { visualization: MIGRATION_VERSION.visualization },
  };
}
