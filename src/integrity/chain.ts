// The hash chain of one producer's events: a document's canonical form (RFC 8785), its link, and where the link is kept.
import { hash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';

/**
 * RFC 8785 (JCS) canonical JSON: keys sorted by UTF-16 code units, strings and numbers as ECMAScript's
 * JSON.stringify writes them, no whitespace. For JSON values that is exactly what safe-stable-stringify
 * writes in deterministic mode (about twice as fast as the `canonicalize` package on our documents); a
 * test holds the two equal on random documents. A circular value throws.
 */
const jcs = configure({ deterministic: true, circularValue: Error, bigint: false });

/** The link before a producer's first event: 64 zeros. */
export const GENESIS_LINK = '0'.repeat(64);

/**
 * Where the link is kept in a stored document: a dotted top-level key, appended after the canonical
 * text so the document is serialised once (OpenSearch maps it as the object path `audit_trail.chain`).
 * Readers accept it nested as well.
 */
export const CHAIN_KEY = 'audit_trail.chain';

/** An event's place in its producer's chain: the previous link and its own (lower-case hex SHA-256). */
export interface ChainFields {
  prev: string;
  link: string;
}

/** RFC 8785 canonical JSON of a JSON value (throws on what JSON cannot hold). */
export function canonicalJson(value: unknown): string {
  const text = jcs(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

/** The link of a document: SHA-256 over the previous link (hex), a newline, and the document's canonical JSON without its chain fields. */
export function chainLink(prev: string, canonicalDocument: string): string {
  return hash('sha256', `${prev}\n${canonicalDocument}`, 'hex');
}

/** A document linked after `prev`: its JSON text to send (canonical, with the chain fields appended) and its link. */
export function linkDocument(document: object, prev: string): { json: string; link: string } {
  const canonical = canonicalJson(document);
  if (canonical === '{}') throw new TypeError('an empty document cannot be linked');
  const link = chainLink(prev, canonical);
  return { json: `${canonical.slice(0, -1)},${JSON.stringify(CHAIN_KEY)}:{"link":"${link}","prev":"${prev}"}}`, link };
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The chain fields of a stored document (`_source`), or undefined when it has none that are well formed. */
export function chainOf(source: Record<string, unknown>): ChainFields | undefined {
  const dotted = source[CHAIN_KEY];
  const nested = (source.audit_trail as { chain?: unknown } | undefined)?.chain;
  const chain = (dotted ?? nested) as { prev?: unknown; link?: unknown } | undefined;
  if (!chain || typeof chain !== 'object') return undefined;
  const { prev, link } = chain;
  return typeof prev === 'string' && typeof link === 'string' && HEX64.test(prev) && HEX64.test(link) ? { prev, link } : undefined;
}

/** The canonical JSON a stored document was linked over: the document without its chain fields. */
export function unchainedCanonical(source: Record<string, unknown>): string {
  const { [CHAIN_KEY]: _dotted, ...rest } = source;
  const trail = rest.audit_trail;
  if (trail && typeof trail === 'object' && 'chain' in trail) {
    const { chain: _nested, ...trailRest } = trail as Record<string, unknown>;
    rest.audit_trail = trailRest;
  }
  return canonicalJson(rest);
}

/** Whether a stored document's own link matches its content and the previous link it names. */
export function linkHolds(source: Record<string, unknown>, chain: ChainFields): boolean {
  return chainLink(chain.prev, unchainedCanonical(source)) === chain.link;
}
