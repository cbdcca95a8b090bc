// A filter as an OpenSearch bool query: one clause per filter key set, from its matching rule; never a query string.
import { FILTER_KEYS, ruleOf, valueOf, type AuditFilter, type KeyFilter } from './filter-keys.js';
import { NO_VALUE, type Clause } from './match-rule.js';

const isEmpty = (value: unknown): boolean => value === undefined || (Array.isArray(value) && value.length === 0);
const MATCH_NONE: Clause = { bool: { must_not: [{ match_all: {} }] } };

/** One clause per key set in the filter (an empty intersection gives a clause matching nothing). */
function keyClauses(filter: KeyFilter): Clause[] {
  const clauses: Clause[] = [];
  for (const key of FILTER_KEYS) {
    const value = valueOf(filter, key);
    if (isEmpty(value)) continue;
    clauses.push(Array.isArray(value) && value.includes(NO_VALUE) ? MATCH_NONE : ruleOf(key).clause(key, value));
  }
  return clauses;
}

/** Builds the bool query of a filter: term, terms, range, match and wildcard clauses (bounds on one field share one range clause). */
export function buildFilterQuery(filter: AuditFilter = {}): Clause {
  const must: Clause[] = [];
  const ranges = new Map<string, Record<string, unknown>>();
  for (const clause of keyClauses(filter)) {
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
  const mustNot = filter.not ? keyClauses(filter.not) : [];
  if (!must.length && !mustNot.length) return { match_all: {} };
  return { bool: { ...(must.length ? { filter: must } : {}), ...(mustNot.length ? { must_not: mustNot } : {}) } };
}
