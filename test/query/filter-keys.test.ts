import { expect } from '../helpers/chai.js';
import { FILTER_KEYS, filterKeyNamed, type AuditFilter } from '../../src/query/filter-keys.js';
import { buildFilterQuery } from '../../src/query/filter-query.js';
import { QUERY_KEYS, combineFilters, formatQuery, parseQuery } from '../../src/query/syntax.js';
import { everyKeyFilter, sampleTexts, sampleValue } from '../helpers/filter-samples.js';

const only = (key: (typeof FILTER_KEYS)[number]): AuditFilter => ({ [key.property]: sampleValue(key) }) as AuditFilter;

describe('filter-key table: every key reaches the syntax and the query DSL', () => {
  describe('the table', () => {
    it('gives each key its own name, alias and filter property', () => {
      const names = FILTER_KEYS.flatMap((key) => [key.name, ...('aliases' in key ? key.aliases : [])]);
      expect(new Set(names).size).to.equal(names.length);
      expect(new Set(FILTER_KEYS.map((key) => key.property)).size).to.equal(FILTER_KEYS.length);
      expect(QUERY_KEYS).to.deep.equal(FILTER_KEYS.map((key) => key.name));
      for (const key of FILTER_KEYS) expect(filterKeyNamed(key.name.toUpperCase())).to.equal(key);
    });
  });

  describe('search syntax', () => {
    for (const key of FILTER_KEYS) {
      it(`${key.name}: formats and parses back`, () => {
        const filter = only(key);
        const text = formatQuery(filter);
        expect(text).to.match(new RegExp(`^${key.name}:`));
        expect(parseQuery(text)).to.deep.equal(filter);
      });
    }

    it('round-trips a filter of every key at once', () => {
      const filter = everyKeyFilter();
      const text = formatQuery(filter);
      for (const key of FILTER_KEYS) expect(text).to.include(`${key.name}:`);
      expect(parseQuery(text)).to.deep.equal(filter);
    });

    it('reads every alias as its key', () => {
      for (const key of FILTER_KEYS) {
        for (const alias of 'aliases' in key ? key.aliases : []) expect(parseQuery(`${alias}:${sampleTexts(key)[0]}`)).to.deep.equal(parseQuery(`${key.name}:${sampleTexts(key)[0]}`));
      }
    });

    it('combines every key: a filter with itself or with nothing is itself', () => {
      const filter = everyKeyFilter();
      expect(combineFilters(filter, filter)).to.deep.equal(filter);
      expect(combineFilters(filter, {})).to.deep.equal(filter);
      expect(combineFilters({}, filter)).to.deep.equal(filter);
    });
  });

  describe('query DSL', () => {
    for (const key of FILTER_KEYS) {
      it(`${key.name}: a clause on ${key.fields.join(', ')} with the values`, () => {
        const query = buildFilterQuery(only(key)) as { bool?: { filter: unknown[] } };
        expect(query.bool?.filter, 'one clause').to.have.length(1);
        const clause = JSON.stringify(query.bool!.filter[0]);
        for (const field of key.fields) expect(clause).to.include(JSON.stringify(field));
        const value = sampleValue(key);
        for (const text of value instanceof Date ? [value.toISOString()] : value) expect(clause).to.include(JSON.stringify(text));
      });
    }

    it('sets a clause for every key at once, time bounds on one field sharing one range', () => {
      const query = buildFilterQuery(everyKeyFilter()) as { bool: { filter: Record<string, unknown>[] } };
      const text = JSON.stringify(query);
      for (const key of FILTER_KEYS) for (const field of key.fields) expect(text).to.include(JSON.stringify(field));
      const ranges = query.bool.filter.filter((clause) => 'range' in clause);
      expect(ranges).to.deep.equal([{ range: { '@timestamp': { format: 'strict_date_optional_time', gte: '2026-11-01T10:00:00.000Z', lt: '2026-11-24T18:30:00.000Z' } } }]);
    });

    it('matches everything when no key is set', () => {
      expect(buildFilterQuery({})).to.deep.equal({ match_all: {} });
      expect(buildFilterQuery({ actions: [] })).to.deep.equal({ match_all: {} });
    });
  });
});
