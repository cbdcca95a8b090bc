// The saved searches, declared once as data (id, title, question, Lucene query, columns) and built into saved objects.
import { ACTIONS, ACTION_INFO, AUDIT_ROLES, type Action, type FieldName, type ResourceType } from '../model/vocabulary.js';
import { INDEX_PATTERN_ID, TIME_FIELD } from './index-pattern.js';
import { ID_PREFIX, MIGRATION_VERSION, indexPatternReference, searchSourceJSON, type SavedObject } from './saved-object.js';

/** Columns every search shows: who, what, on which kind of resource, which one, result, from where. */
export const DEFAULT_COLUMNS: readonly FieldName[] = [
  'user.name',
  'event.action',
  'audit_trail.resource.type',
  'audit_trail.resource.target',
  'event.outcome',
  'source.ip',
];

/** One saved search: the README table, the NDJSON and the tests all read this. */
export interface SavedSearchSpec {
  /** Suffix of the stable id (`audit-trail-search-<key>`). */
  readonly key: string;
  readonly title: string;
  /** The question the search answers (README table, object description). */
  readonly question: string;
  /** Lucene query on vocabulary fields, run by Dashboards as `query_string` (`''` = every event). */
  readonly query: string;
  readonly columns: readonly FieldName[];
}

/** `event.action:(a OR b)` for a list of actions. */
export function actionQuery(actions: readonly Action[]): string {
  return actions.length === 1 ? `event.action:${actions[0]}` : `event.action:(${actions.join(' OR ')})`;
}

const systemActions = ACTIONS.filter((a) => ACTION_INFO[a].system);
const sessionActions = ACTIONS.filter((a) => ACTION_INFO[a].category.includes('session'));
const resourceType = (type: ResourceType) => `audit_trail.resource.type:${type}`;

function spec(key: string, title: string, question: string, query: string): SavedSearchSpec {
  return { key, title, question, query, columns: DEFAULT_COLUMNS };
}

/** Every saved search, in the order the README lists them. */
export const SAVED_SEARCHES: readonly SavedSearchSpec[] = [
  spec('all-events', 'Audit: all events', 'What happened, newest first: who did what to which resource, with what result, from where?', ''),
  spec('sign-ins', 'Audit: sign-ins', 'Who signed in, when and from which address?', actionQuery(['login'])),
  spec('failed-sign-ins', 'Audit: failed sign-ins', 'Which sign-ins failed (password guessing, disabled accounts)?', `${actionQuery(['login'])} AND event.outcome:failure`),
  spec('deletions', 'Audit: deletions', 'What was deleted, and by whom?', actionQuery(['delete'])),
  spec('terminal-sessions', 'Audit: SSH and web-terminal sessions', 'Who opened a shell (SSH or web terminal) on which workspace?', actionQuery(['ssh'])),
  spec('workspace-access', 'Audit: workspace access', `Who got into a workspace by any route (${sessionActions.join(', ')})?`, actionQuery(sessionActions)),
  spec('secret-reads', 'Audit: secret reads', 'Which secrets were read, and by whom?', actionQuery(['view'])),
  spec('provider-cordon', 'Audit: provider cordon and uncordon', 'When did a workspace provider stop or resume accepting workspaces, and who decided?', actionQuery(['cordon', 'uncordon'])),
  spec('automatic', 'Audit: automatic starts and stops', 'Which workspaces did the system start or stop on its own (schedules, idle timeouts)?', actionQuery(systemActions)),
  spec('user-changes', 'Audit: changes to users', 'Who changed a user account (roles, status, details)?', `${actionQuery(['write'])} AND ${resourceType('user')}`),
  spec('jobs-enqueued', 'Audit: jobs enqueued', 'Which jobs (builds, deletions) were queued, and by whom?', actionQuery(['enqueue'])),
  spec('failures', 'Audit: failed actions', 'Which actions of any kind failed?', 'event.outcome:failure'),
  spec('api-keys', 'Audit: API keys', 'Who created, changed or deleted API keys?', resourceType('api_key')),
  spec('audit-roles', 'Audit: actions by site managers and auditors', 'What did the people with audit rights do?', `user.roles:(${AUDIT_ROLES.join(' OR ')})`),
];

/** Stable id of a saved search. */
export function savedSearchId(key: string): string {
  return `${ID_PREFIX}-search-${key}`;
}

/** Attributes of a saved search: mappings in `src/plugins/discover/server/saved_objects/search.ts`. */
export interface SavedSearchAttributes {
  title: string;
  description: string;
  hits: 0;
  columns: string[];
  /** `[[field, direction]]`, the nested form the 7.4.0 search migration produces. */
  sort: [string, 'asc' | 'desc'][];
  version: 1;
  kibanaSavedObjectMeta: { searchSourceJSON: string };
}

/** The `search` saved object of one spec, newest first, on the audit index pattern. */
export function buildSavedSearch(search: SavedSearchSpec): SavedObject<SavedSearchAttributes> {
  return {
    type: 'search',
    id: savedSearchId(search.key),
    attributes: {
      title: search.title,
      description: search.question,
      hits: 0,
      columns: [...search.columns],
      sort: [[TIME_FIELD, 'desc']],
      version: 1,
      kibanaSavedObjectMeta: { searchSourceJSON: searchSourceJSON(search.query) },
    },
    references: [indexPatternReference(INDEX_PATTERN_ID)],
    migrationVersion: { search: MIGRATION_VERSION.search },
  };
}
