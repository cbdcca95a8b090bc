import { createHmac } from 'node:crypto';
import { expect } from '../helpers/chai.js';
import { diffResources, secretHash, classifySecretChanges } from '../../src/recorder/diff.js';
import { definePolicy, ignore, nested, secret, track, UnclassifiedFieldError } from '../../src/recorder/field-policy.js';
import type { DiffEntry } from '../../src/model/event.js';

interface Limits { cpu: number; memoryGb: number; note?: string }
interface Thing {
  id: string;
  name: string;
  tags: string[];
  limits: Limits;
  token: string;
  updatedAt: Date;
  lastSeenAt?: Date;
  owner?: { id: string; email: string } | null;
}

const policy = definePolicy<Thing>('workspace', {
  id: track,
  name: track,
  tags: track,
  limits: nested<Limits>({ cpu: track, memoryGb: track, note: ignore('free text, may hold anything') }),
  token: secret,
  updatedAt: ignore('changes on every write'),
  lastSeenAt: track,
  owner: track,
});

const KEY = 'test-hmac-key-0123456789abcdef';
const hash = (value: unknown) => `hmac-sha256:${createHmac('sha256', KEY).update(JSON.stringify(value)).digest('hex')}`;
const base: Thing = {
  id: 't-1', name: 'alpha', tags: ['a', 'b'], limits: { cpu: 2, memoryGb: 4, note: 'x' }, token: 'tok-old',
  updatedAt: new Date('2026-11-01T00:00:00Z'), lastSeenAt: new Date('2026-11-02T10:00:00Z'), owner: { id: 'u-1', email: 'a@example.com' },
};
const v = (patch: Partial<Thing>): Thing => ({ ...base, ...patch });

describe('diffResources: field-policy diffs', () => {
  describe('one change at a time (table-driven)', () => {
    const cases: { name: string; before: Thing | null; after: Thing | null; diff: Record<string, DiffEntry> }[] = [
      { name: 'no change gives an empty diff', before: base, after: v({}), diff: {} },
      { name: 'tracked string', before: base, after: v({ name: 'beta' }), diff: { name: { old: 'alpha', new: 'beta' } } },
      { name: 'ignored field never appears', before: base, after: v({ updatedAt: new Date('2026-11-20T00:00:00Z') }), diff: {} },
      { name: 'secret field carries HMACs, never the values', before: base, after: v({ token: 'tok-new' }), diff: { token: { secret: true, old: hash('tok-old'), new: hash('tok-new') } } },
      { name: 'nested tracked field is flattened as parent.child', before: base, after: v({ limits: { cpu: 8, memoryGb: 4, note: 'x' } }), diff: { 'limits.cpu': { old: 2, new: 8 } } },
      { name: 'nested ignored field never appears', before: base, after: v({ limits: { cpu: 2, memoryGb: 4, note: 'changed' } }), diff: {} },
      { name: 'array element added', before: base, after: v({ tags: ['a', 'b', 'c'] }), diff: { tags: { old: ['a', 'b'], new: ['a', 'b', 'c'] } } },
      { name: 'array reordered counts as a change', before: base, after: v({ tags: ['b', 'a'] }), diff: { tags: { old: ['a', 'b'], new: ['b', 'a'] } } },
      { name: 'equal array (new instance) is no change', before: base, after: v({ tags: ['a', 'b'] }), diff: {} },
      { name: 'date compared by instant, stored as ISO', before: base, after: v({ lastSeenAt: new Date('2026-11-03T10:00:00Z') }), diff: { lastSeenAt: { old: '2026-11-02T10:00:00.000Z', new: '2026-11-03T10:00:00.000Z' } } },
      { name: 'equal date (new instance) is no change', before: base, after: v({ lastSeenAt: new Date('2026-11-02T10:00:00Z') }), diff: {} },
      { name: 'optional field removed becomes null', before: base, after: v({ lastSeenAt: undefined }), diff: { lastSeenAt: { old: '2026-11-02T10:00:00.000Z', new: null } } },
      { name: 'tracked object compared deeply', before: base, after: v({ owner: { id: 'u-1', email: 'b@example.com' } }), diff: { owner: { old: { id: 'u-1', email: 'a@example.com' }, new: { id: 'u-1', email: 'b@example.com' } } } },
      { name: 'tracked object set to null', before: base, after: v({ owner: null }), diff: { owner: { old: { id: 'u-1', email: 'a@example.com' }, new: null } } },
    ];
    for (const c of cases) {
      it(c.name, () => {
        expect(diffResources(policy, c.before, c.after, { hmacKey: KEY })).to.deep.equal(c.diff);
      });
    }
  });

  describe('creation and deletion', () => {
    it('creation lists every tracked field from null, secrets hashed, ignored ones left out', () => {
      const diff = diffResources(policy, undefined, base, { hmacKey: KEY });
      expect(diff).to.deep.equal({
        id: { old: null, new: 't-1' },
        name: { old: null, new: 'alpha' },
        tags: { old: null, new: ['a', 'b'] },
        'limits.cpu': { old: null, new: 2 },
        'limits.memoryGb': { old: null, new: 4 },
        token: { secret: true, old: null, new: hash('tok-old') },
        lastSeenAt: { old: null, new: '2026-11-02T10:00:00.000Z' },
        owner: { old: null, new: { id: 'u-1', email: 'a@example.com' } },
      });
    });

    it('deletion lists every tracked field to null', () => {
      const diff = diffResources(policy, base, null, { hmacKey: KEY });
      expect(diff.name).to.deep.equal({ old: 'alpha', new: null });
      expect(diff.token).to.deep.equal({ secret: true, old: hash('tok-old'), new: null });
    });
  });

  describe('secret fields', () => {
    it('never contain the value, in any form, anywhere in the diff', () => {
      const json = JSON.stringify(diffResources(policy, v({ token: 'hunter2-old' }), v({ token: 'hunter2-new' }), { hmacKey: KEY }));
      expect(json).to.not.include('hunter2');
    });

    it('hash alike under one key and differently under another', () => {
      expect(secretHash(KEY, 'x')).to.equal(secretHash(KEY, 'x'));
      expect(secretHash(KEY, 'x')).to.not.equal(secretHash('another-key-0123456789', 'x'));
    });

    it('are listed unchanged on request, so a view can show "unchanged"', () => {
      expect(diffResources(policy, base, v({}), { hmacKey: KEY, includeUnchangedSecrets: true })).to.deep.equal({ token: { secret: true, old: hash('tok-old'), new: hash('tok-old') } });
    });

    it('let a history be read as changed / unchanged / reverted', () => {
      const step = (a: string, b: string) => diffResources(policy, v({ token: a }), v({ token: b }), { hmacKey: KEY, includeUnchangedSecrets: true }).token as DiffEntry;
      expect(classifySecretChanges([step('v1', 'v2'), step('v2', 'v2'), step('v2', 'v3'), step('v3', 'v1')])).to.deep.equal(['changed', 'unchanged', 'changed', 'reverted']);
    });

    it('need an HMAC key of at least 16 bytes, said in the error', () => {
      expect(() => diffResources(policy, base, v({ token: 'new' }))).to.throw(/option "hmacKey" is required/);
      expect(() => diffResources(policy, base, v({ token: 'new' }), { hmacKey: 'short' })).to.throw(/at least 16 bytes/);
    });
  });

  describe('unclassified fields', () => {
    it('a field the table does not classify is refused, named, with what to do', () => {
      const withExtra = { ...base, apiKey: 'leak-me' } as Thing;
      expect(() => diffResources(policy, base, withExtra, { hmacKey: KEY })).to.throw(UnclassifiedFieldError, /workspace has fields its audit policy does not classify: apiKey; add each to the table/);
    });

    it('a nested field the table does not classify is refused as parent.child', () => {
      const withExtra = { ...base, limits: { ...base.limits, gpu: 1 } } as Thing;
      expect(() => diffResources(policy, withExtra, base, { hmacKey: KEY })).to.throw(UnclassifiedFieldError, /limits\.gpu/);
    });
  });
});
