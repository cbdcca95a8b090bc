// All saved objects in import order, and the NDJSON file Dashboards' Saved objects > Import reads.
import { buildIndexPattern } from './index-pattern.js';
import { SAVED_SEARCHES, buildSavedSearch } from './saved-searches.js';
import { VISUALIZATIONS, buildVisualization } from './visualizations.js';
import { buildDashboard } from './dashboard.js';
import type { SavedObject } from './saved-object.js';

/** Where the generated file lives, from the project root. */
export const DASHBOARDS_FILE = 'dashboards/audit-trail.ndjson';

/** Every object, referenced objects before the objects that reference them. */
export function buildSavedObjects(): SavedObject[] {
  return [
    buildIndexPattern(),
    ...SAVED_SEARCHES.map(buildSavedSearch),
    ...VISUALIZATIONS.map(buildVisualization),
    buildDashboard(),
  ];
}

/**
 * One JSON object a line, newline-terminated: the import route splits on `\n` and parses each non-empty line
 * (`createSavedObjectsStreamFromNdJson` in `src/core/server/saved_objects/routes/utils.ts`).
 */
export function toNdjson(objects: readonly SavedObject[] = buildSavedObjects()): string {
  return objects.map((o) => JSON.stringify(o)).join('\n') + '\n';
}
