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
  return linkMaker(params, queryFilter, name)(value);
}

/** Builds links setting one key, the rest of the URL worked out once. */
function linkMaker(params: PageParams, queryFilter: AuditFilter, name: FilterKeyName): (value: string) => string {
  const key = filterKeyNamed(name) as FilterKey;
  const rest = { ...params, [key.name]: takesSeveral(key) ? [] : '' } as PageParams;
  if ((queryFilter as Record<string, unknown>)[key.property] !== undefined) {
    const others = { ...queryFilter } as Record<string, unknown>;
    delete others[key.property];
    rest.q = formatQuery(others as AuditFilter);
  }
  const base = `/manage/audit${filterSearch(rest)}`;
  const join = base.includes('?') ? '&' : '?';
  const patterns = ruleOf(key).patterns;
  return (value) => `${base}${join}${encodeURIComponent(key.name)}=${encodeURIComponent(patterns ? escapePattern(value) : value)}`;
}

const LINKED = { user: 'user', action: 'action', resourceType: 'resource_type', target: 'target', ip: 'ip', outcome: 'outcome' } as const satisfies Record<keyof RowLinks, FilterKeyName>;

/** The links of every row of a page: one per shown value; none for an empty or over-long value. */
export function rowLinkMaker(params: PageParams, queryFilter: AuditFilter): (row: AuditRow) => RowLinks {
  const makers = Object.fromEntries(Object.entries(LINKED).map(([field, name]) => [field, linkMaker(params, queryFilter, name)])) as Record<keyof RowLinks, (value: string) => string>;
  const link = (field: keyof RowLinks, value: string | undefined): string | undefined => (value && value.length <= MAX_LINKED ? makers[field](value) : undefined);
  return (row) => ({
    user: link('user', row.actor.id),
    action: link('action', row.action),
    resourceType: link('resourceType', row.resource.type),
    target: link('target', row.resource.target),
    ip: link('ip', row.source.ip),
    outcome: link('outcome', row.outcome),
  });
}
