import { expect } from '../helpers/chai.js';
import { QuerySyntaxError, combineFilters, formatQuery, parseQuery } from '../../src/query/syntax.js';
import { decodeCursor, encodeCursor } from '../../src/query/list.js';

function syntaxError(text: string): QuerySyntaxError {
  try {
    parseQuery(text);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error;
    throw error;
  }
  throw new Error(`'${text}' parsed without error`);
}

describe('query syntax parser', () => {
  describe('the documented example', () => {
    it('gives the filter of every key', () => {
      const f = parseQuery('action:create resource_type:workspace user:alice target:"alice@example.com" from:2026-11-01 to:2026-11-24');
      expect(f).to.deep.equal({
        actions: ['create'],
        resourceTypes: ['workspace'],
        users: ['alice'],
        targets: ['alice@example.com'],
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-11-25T00:00:00Z'),
      });
    });
  });

  describe('values', () => {
    it('treats several values of one key as OR, without duplicates', () => {
      expect(parseQuery('action:login action:write action:login').actions).to.deep.equal(['login', 'write']);
    });
    it('reads quoted values with spaces and escapes', () => {
      expect(parseQuery('target:"my \\"big\\" ws" user:"a b"')).to.deep.equal({ targets: ['my "big" ws'], users: ['a b'] });
    });
    it('accepts date-times with offsets and keeps a date-time upper bound exact', () => {
      const f = parseQuery('from:2026-11-01T10:00+02:00 to:2026-11-02T00:00:00.500Z');
      expect(f.from?.toISOString()).to.equal('2026-11-01T08:00:00.000Z');
      expect(f.to?.toISOString()).to.equal('2026-11-02T00:00:00.500Z');
    });
    it('gives an empty filter for blank text', () => {
      expect(parseQuery('   ')).to.deep.equal({});
    });
    it('round-trips through formatQuery', () => {
      const f = parseQuery('action:create target:"a b\\"c" user:bob outcome:failure from:2026-01-01');
      expect(parseQuery(formatQuery(f))).to.deep.equal(f);
    });
  });

  describe('errors say what and where', () => {
    const cases: [string, RegExp, number][] = [
      ['action:explode', /unknown action 'explode': use one of auto_off/, 7],
      ['user:bob colour:red', /unknown key 'colour'/, 9],
      ['user:alice OR user:bob', /OR is not supported/, 11],
      ['(user:alice)', /grouping with \( \) is not supported/, 0],
      ['user:alice target:"open', /unclosed quote/, 18],
      ['from:2026-02-30', /not a real date/, 5],
      ['from:99999-01-01', /not a date/, 5],
      ['to:1900-01-01', /out of range/, 3],
      ['user:', /needs a value/, 5],
      ['from:2026-11-10 to:2026-11-01', /'from' .* must be before 'to'/, 0],
      ['resource_type:planet', /unknown resource type 'planet'/, 14],
      ['target:"a"b', /space after the closing quote/, 10],
    ];
    for (const [text, message, position] of cases) {
      it(`rejects ${text}`, () => {
        const error = syntaxError(text);
        expect(error.message).to.match(message);
        expect(error.position).to.equal(position);
      });
    }
  });

  describe('combining the form with the search box', () => {
    it('intersects lists and keeps the narrower time range', () => {
      const f = combineFilters({ actions: ['login', 'write'], from: new Date('2026-01-01Z') }, { actions: ['write', 'create'], from: new Date('2026-02-01Z'), to: new Date('2026-03-01Z') });
      expect(f).to.deep.equal({ actions: ['write'], from: new Date('2026-02-01Z'), to: new Date('2026-03-01Z') });
    });
    it('matches nothing when the lists share no value', () => {
      const f = combineFilters({ users: ['alice'] }, { users: ['bob'] });
      expect(f.users).to.have.length(1).and.not.include('alice').and.not.include('bob');
    });
  });
});

describe('cursors', () => {
  it('encodes and decodes cursors, refusing anything else', () => {
    const c = [1795601469943, '0193-abc'] as const;
    expect(decodeCursor(encodeCursor(c))).to.deep.equal(c);
    for (const bad of ['', 'abc', '12_', '1e5_x', '1_<script>', '99999999999999999_x']) expect(decodeCursor(bad), bad).to.equal(undefined);
  });
});
