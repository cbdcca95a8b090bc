// Links that narrow the page to one value of a row (user, action, resource type, target, IP, outcome).
import type { AuditRow } from '../model/row.js';
import { filterKeyNamed, ruleOf, type FilterKey, type FilterKeyName } from '../query/filter-keys.js';
import { escapePattern } from '../query/pattern-rule.js';
import { formatQuery } from '../query/syntax.js';
import type { AuditFilter } from '../query/filter-keys.js';
import { filterSearch, takesSeveral, type PageParams } from './filter-params.js';

/** The longest value a link can carry (a longer one is shown without a link). */
const MAX_LINKED = 256;

export interface RowLinks {
  user?: string;
  action?: string;
  resourceType?: string;
  target?: string;
  ip?: string;
  outcome?: string;
}

/**
 * The page's URL with the key set to this one value: the form's values of the key are replaced, and the search box
 * loses its terms of that key (so the two never contradict each other); everything else stays.
 */
export function withValue(params: PageParams, queryFilter: AuditFilter, name: FilterKeyName, value: string): string {
  const key = filterKeyNamed(name) as FilterKey;
  const typed = ruleOf(key).patterns ? escapePattern(value) : value;
  const next = { ...params, [key.name]: takesSeveral(key) ? [typed] : typed } as PageParams;
  if ((queryFilter as Record<string, unknown>)[key.property] !== undefined) {
    const rest = { ...queryFilter } as Record<string, unknown>;
    delete rest[key.property];
    next.q = formatQuery(rest as AuditFilter);
  }
  return `/manage/audit${filterSearch(next)}`;
}

/** One link per shown value of the row; none for an empty or over-long value. */
export function rowLinks(row: AuditRow, params: PageParams, queryFilter: AuditFilter): RowLinks {
  const link = (name: FilterKeyName, value: string | undefined): string | undefined =>
    value && value.length <= MAX_LINKED ? withValue(params, queryFilter, name, value) : undefined;
  return {
    user: link('user', row.actor.id),
    action: link('action', row.action),
    resourceType: link('resource_type', row.resource.type),
    target: link('target', row.resource.target),
    ip: link('ip', row.source.ip),
    outcome: link('outcome', row.outcome),
  };
}
