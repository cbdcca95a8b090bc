import { expect } from '../helpers/chai.js';
import { QuerySyntaxError, combineFilters, formatQuery, parseQuery } from '../../src/query/syntax.js';
import { buildFilterQuery } from '../../src/query/filter-query.js';
import { MIN_PATTERN_RUN } from '../../src/query/pattern-rule.js';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const parse = (text: string) => parseQuery(text, { now: NOW });

function syntaxError(text: string): QuerySyntaxError {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error;
    throw error;
  }
  throw new Error(`'${text}' parsed without error`);
}

describe('search syntax: what an auditor types', () => {
  describe('free text', () => {
    it('reads bare words and quoted phrases as free text, each of them required', () => {
      expect(parse('deleted "alice dev" action:delete')).to.deep.equal({ text: ['deleted', 'alice dev'], actions: ['delete'] });
    });
    it('matches the words in the message and whole user ids or e-mails', () => {
      const clause = JSON.stringify(buildFilterQuery(parse('alice')));
      expect(clause).to.include('{"match":{"message":{"query":"alice","operator":"and"}}}');
      expect(clause).to.include('{"term":{"user.email":{"value":"alice","case_insensitive":true}}}');
    });
    it('refuses a value with no word in it, which would match nothing', () => {
      expect(syntaxError('text:...').message).to.match(/no word to search for/);
    });
  });

  describe('NOT', () => {
    it('reads -key:value and NOT key:value as events left out', () => {
      expect(parse('-action:login NOT user:bob outcome:failure')).to.deep.equal({ outcomes: ['failure'], not: { actions: ['login'], users: ['bob'] } });
      expect(parse('-"dry run"')).to.deep.equal({ not: { text: ['dry run'] } });
    });
    it('puts the left-out keys in must_not', () => {
      expect(buildFilterQuery(parse('-action:login -action:view'))).to.deep.equal({ bool: { must_not: [{ terms: { 'event.action': ['login', 'view'] } }] } });
    });
    it('writes them back with a leading -, and adds them up when combining', () => {
      const f = parse('-action:login user:alice');
      expect(formatQuery(f)).to.equal('user:alice -action:login');
      expect(parse(formatQuery(f))).to.deep.equal(f);
      expect(combineFilters(f, parse('-action:view'))).to.deep.equal({ users: ['alice'], not: { actions: ['login', 'view'] } });
    });
    it('refuses to negate a time bound', () => {
      expect(syntaxError('-from:now-1d').message).to.match(/'from' cannot be negated/);
    });
    it('refuses NOT with nothing after it', () => {
      expect(syntaxError('user:alice NOT').message).to.match(/NOT needs a term/);
    });
  });

  describe('relative times', () => {
    it('counts now-7d and now-1h from the given now', () => {
      expect(parse('from:now-7d to:now-1h')).to.deep.equal({ from: new Date('2026-11-17T12:00:00.000Z'), to: new Date('2026-11-24T11:00:00.000Z') });
      expect(parse('from:now-90m').from).to.deep.equal(new Date('2026-11-24T10:30:00.000Z'));
      expect(parse('from:now-2w to:now').to).to.deep.equal(NOW);
    });
    it('writes the resolved time back, so the filter no longer moves with the clock', () => {
      expect(formatQuery(parse('from:now-1d'))).to.equal('from:2026-11-23T12:00:00.000Z');
    });
    it('names the relative form in the error about a bad time', () => {
      expect(syntaxError('from:now-7y').message).to.match(/not a date.*now-7d/);
    });
  });

  describe('wildcards on target and user', () => {
    it('matches a value with * over the keyword fields’ terms (not the wildcard sub-fields), ignoring case', () => {
      const query = buildFilterQuery(parse('target:*-dev user:*@example.com')) as { bool: { filter: unknown[] } };
      expect(query.bool.filter).to.deep.equal([
        { bool: { should: [{ wildcard: { 'audit_trail.resource.target': { value: '*-dev', case_insensitive: true } } }], minimum_should_match: 1 } },
        {
          bool: {
            should: [
              { wildcard: { 'user.name': { value: '*@example.com', case_insensitive: true } } },
              { wildcard: { 'user.email': { value: '*@example.com', case_insensitive: true } } },
            ],
            minimum_should_match: 1,
          },
        },
      ]);
    });
    it('reads \\* as a literal star and escapes ? for the wildcard query', () => {
      const literal = JSON.stringify(buildFilterQuery(parse('target:"a\\\\*b"')));
      expect(literal).to.include('{"term":{"audit_trail.resource.target":{"value":"a*b","case_insensitive":true}}}');
      const pattern = JSON.stringify(buildFilterQuery(parse('target:what?ever*')));
      expect(pattern).to.include(JSON.stringify({ value: 'what\\?ever*', case_insensitive: true }));
    });
    for (const text of ['target:*', 'user:**', 'target:a*', `target:*${'x'.repeat(MIN_PATTERN_RUN - 1)}*`, 'user:a*b*c']) {
      it(`refuses ${text}: too broad, never a silent zero`, () => {
        expect(syntaxError(text).message).to.match(/too broad: give at least 3 characters in a row/);
      });
    }
    it('refuses more than 4 stars', () => {
      expect(syntaxError('target:abc*d*e*f*g*').message).to.match(/more than 4 '\*'/);
    });
    it('refuses * in keys that take no wildcard', () => {
      expect(syntaxError('resource_id:ws-*').message).to.match(/'\*' is not a wildcard in 'resource_id': wildcards work in target and user only/);
      expect(syntaxError('alice*').message).to.match(/not a wildcard in 'text'/);
    });
  });

  describe('IP addresses and CIDR ranges', () => {
    it('accepts addresses and ranges, v4 and v6, as one terms clause', () => {
      expect(buildFilterQuery(parse('ip:203.0.113.7 ip:10.0.0.0/8 ip:2001:db8::/32'))).to.deep.equal({
        bool: { filter: [{ terms: { 'source.ip': ['203.0.113.7', '10.0.0.0/8', '2001:db8::/32'] } }] },
      });
    });
    for (const bad of ['10.0.0.256', '10.0.0.0/33', 'localhost', '::1/129', '10.0.0.0/8/1']) {
      it(`refuses ${bad}`, () => {
        expect(syntaxError(`ip:${bad}`).message).to.match(/is not an IP address or a CIDR range/);
      });
    }
  });
});
