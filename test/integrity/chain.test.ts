import { createRequire } from 'node:module';
import { expect } from '../helpers/chai.js';
import { canonicalJson, chainLink, chainOf, GENESIS_LINK, linkDocument, linkHolds, unchainedCanonical } from '../../src/integrity/chain.js';

// The RFC 8785 reference this project measures its canonical JSON against (a development dependency).
const canonicalize = createRequire(import.meta.url)('canonicalize') as (value: unknown) => string;

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARS = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', 'ß', '€', '\u2028', '\u202e', '日', '😀', '\ud800', '\udfff', 'ｚ', '\ufeff'];
function text(rnd: () => number): string {
  let s = '';
  const n = Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) s += CHARS[Math.floor(rnd() * CHARS.length)];
  return s;
}
const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789012345680000, 5e-324, 1.7976931348623157e308, 2 ** 53, -(2 ** 53) + 1, 3.14159, 100, 1e20];
function value(rnd: () => number, depth: number): unknown {
  const pick = rnd();
  if (depth > 3 || pick < 0.25) return text(rnd);
  if (pick < 0.45) return rnd() < 0.5 ? NUMBERS[Math.floor(rnd() * NUMBERS.length)] : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 10);
  if (pick < 0.55) return [true, false, null][Math.floor(rnd() * 3)];
  if (pick < 0.7) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(rnd, depth + 1));
  const object: Record<string, unknown> = {};
  const n = Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) object[text(rnd)] = value(rnd, depth + 1);
  return object;
}

describe('canonical JSON and chain links', () => {
  it('writes exactly what the RFC 8785 reference (canonicalize) writes, on 5,000 random JSON values', () => {
    const rnd = random(8785);
    for (let i = 0; i < 5000; i++) {
      const v = value(rnd, 0);
      expect(canonicalJson(v), JSON.stringify(v)).to.equal(canonicalize(v));
    }
  });

  it('sorts keys by UTF-16 code units and writes numbers as ECMAScript does (RFC 8785 examples)', () => {
    expect(canonicalJson({ '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' }))
      .to.equal('{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}');
    expect(canonicalJson([333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001])).to.equal('[333333333.3333333,1e+30,4.5,0.002,1e-27]');
  });

  it('refuses a circular value', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).to.throw();
  });

  it('links a document over the previous link and its canonical text, and reads the link back from the dotted or the nested key', () => {
    const document = { b: 1, a: { z: 'é', y: [1e21] }, audit_trail: { producer: 'p' } };
    const { json, link } = linkDocument(document, GENESIS_LINK);
    expect(link).to.equal(chainLink(GENESIS_LINK, canonicalJson(document)));
    const stored = JSON.parse(json) as Record<string, unknown>;
    expect(chainOf(stored)).to.deep.equal({ prev: GENESIS_LINK, link });
    expect(linkHolds(stored, chainOf(stored)!)).to.equal(true);
    const nested = { ...document, audit_trail: { producer: 'p', chain: { prev: GENESIS_LINK, link } } };
    expect(unchainedCanonical(nested)).to.equal(canonicalJson(document));
    expect(linkHolds({ ...stored, b: 2 }, chainOf(stored)!)).to.equal(false);
    expect(chainOf({ 'audit_trail.chain': { prev: 'x', link } })).to.equal(undefined);
  });
});
