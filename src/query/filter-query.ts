// A filter as an OpenSearch bool query: one clause per filter key set, from its matching rule; never a query string.
import { FILTER_KEYS, ruleOf, valueOf, type AuditFilter } from './filter-keys.js';
import type { Clause } from './match-rules.js';

const isEmpty = (value: unknown): boolean => value === undefined || (Array.isArray(value) && value.length === 0);

/** Builds the bool query of a filter: only term, terms and range clauses (bounds on one field share one range clause). */
export function buildFilterQuery(filter: AuditFilter = {}): Clause {
  const must: Clause[] = [];
  const ranges = new Map<string, Record<string, unknown>>();
  for (const key of FILTER_KEYS) {
    const value = valueOf(filter, key);
    if (isEmpty(value)) continue;
    const clause = ruleOf(key).clause(key, value);
    const range = clause.range as Record<string, Record<string, unknown>> | undefined;
    if (!range) {
      must.push(clause);
      continue;
    }
    for (const [field, bounds] of Object.entries(range)) {
      const shared = ranges.get(field);
      if (shared) Object.assign(shared, bounds);
      else {
        const own = { ...bounds };
        ranges.set(field, own);
        must.push({ range: { [field]: own } });
      }
    }
  }
  return must.length ? { bool: { filter: must } } : { match_all: {} };
}
