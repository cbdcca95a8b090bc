// The dashboard: the visualizations on top, the "all events" search below, every panel by reference.
import { ID_PREFIX, MIGRATION_VERSION, type SavedObject, type SavedObjectReference } from './saved-object.js';
import { VISUALIZATIONS, visualizationId } from './visualizations.js';
import { savedSearchId } from './saved-searches.js';

export const DASHBOARD_ID = `${ID_PREFIX}-overview`;
/** The search embedded under the charts. */
export const EMBEDDED_SEARCH_KEY = 'all-events';

/**
 * One entry of `panelsJSON`: the 7.3.0+ panel shape (`RawSavedDashboardPanel730ToLatest` in
 * `src/plugins/dashboard/common/bwc/types.ts`), the panel pointing at its object through `panelRefName`, as the
 * 7.0.0 migration in `src/plugins/dashboard/server/saved_objects/dashboard_migrations.ts` writes it.
 */
export interface DashboardPanel {
  panelIndex: string;
  gridData: { x: number; y: number; w: number; h: number; i: string };
  version: string;
  embeddableConfig: Record<string, never>;
  panelRefName: string;
}

/** Attributes of a dashboard: mappings in `src/plugins/dashboard/server/saved_objects/dashboard.ts`. */
export interface DashboardAttributes {
  title: string;
  description: string;
  hits: 0;
  panelsJSON: string;
  optionsJSON: string;
  version: 1;
  timeRestore: true;
  timeFrom: string;
  timeTo: string;
  refreshInterval: { pause: boolean; value: number };
  kibanaSavedObjectMeta: { searchSourceJSON: string };
}

/** The grid is 48 columns wide: two charts a row, then the search across the full width. */
const GRID_WIDTH = 48;
const CHART_HEIGHT = 15;
const SEARCH_HEIGHT = 20;

/** Panel version: Dashboards 2.x still reports its saved-object format as the 7.10 line it forked from. */
const PANEL_VERSION = '7.10.2';

export function buildDashboard(): SavedObject<DashboardAttributes> {
  const targets: { type: 'visualization' | 'search'; id: string }[] = [
    ...VISUALIZATIONS.map((v) => ({ type: 'visualization' as const, id: visualizationId(v.key) })),
    { type: 'search', id: savedSearchId(EMBEDDED_SEARCH_KEY) },
  ];
  const references: SavedObjectReference[] = [];
  const panels: DashboardPanel[] = targets.map((target, i) => {
    const panelRefName = `panel_${i}`;
    references.push({ name: panelRefName, type: target.type, id: target.id });
    const isSearch = target.type === 'search';
    const half = GRID_WIDTH / 2;
    const rowsAbove = Math.floor(i / 2) * CHART_HEIGHT;
    const gridData = isSearch
      ? { x: 0, y: Math.ceil(VISUALIZATIONS.length / 2) * CHART_HEIGHT, w: GRID_WIDTH, h: SEARCH_HEIGHT, i: String(i + 1) }
      : { x: (i % 2) * half, y: rowsAbove, w: half, h: CHART_HEIGHT, i: String(i + 1) };
    return { panelIndex: String(i + 1), gridData, version: PANEL_VERSION, embeddableConfig: {}, panelRefName };
  });
  return {
    type: 'dashboard',
    id: DASHBOARD_ID,
    attributes: {
      title: 'Audit trail',
      description: 'Who did what to which resource: actions over time, top users and targets, failures, and every event.',
      hits: 0,
      panelsJSON: JSON.stringify(panels),
      optionsJSON: JSON.stringify({ hidePanelTitles: false, useMargins: true }),
      version: 1,
      timeRestore: true,
      timeFrom: 'now-7d',
      timeTo: 'now',
      refreshInterval: { pause: true, value: 0 },
      kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: { query: '', language: 'lucene' }, filter: [] }) },
    },
    references,
    migrationVersion: { dashboard: MIGRATION_VERSION.dashboard },
  };
}
