// A value for every filter key, so tests can check that every key reaches every place the table feeds.
import { FILTER_KEYS, type AuditFilter, type FilterKey } from '../../src/query/filter-keys.js';
import type { MatchRuleName } from '../../src/query/match-rules.js';

/** Two values a key accepts, as typed in the search syntax, the form or the URL. */
export function sampleTexts(key: FilterKey): string[] {
  if ('values' in key) return key.values.slice(-2);
  const rule = key.rule as MatchRuleName;
  switch (rule) {
    case 'exact':
    case 'anyFieldIgnoringCase':
    case 'words':
      return [`some ${key.name}`, `other "${key.name}"`];
    case 'namePattern':
      return [`some ${key.name}`, `other* "${key.name}"`];
    case 'cidr':
      return ['10.0.0.0/8', '2001:db8::1'];
    case 'notBefore':
      return ['2026-11-01T10:00:00.000Z'];
    case 'before':
      return ['2026-11-24T18:30:00.000Z'];
    default: {
      const unknownRule: never = rule;
      throw new Error(`no sample for the rule '${String(unknownRule)}': add one here`);
    }
  }
}

/** The values of a key as its filter property holds them. */
export function sampleValue(key: FilterKey): readonly string[] | Date {
  const texts = sampleTexts(key);
  return key.rule === 'notBefore' || key.rule === 'before' ? new Date(texts[0]!) : texts;
}

/** A filter setting every key. */
export function everyKeyFilter(): AuditFilter {
  return Object.fromEntries(FILTER_KEYS.map((key) => [key.property, sampleValue(key)])) as AuditFilter;
}
