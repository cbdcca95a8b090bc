// Redaction: removes or masks credentials (authorization, cookies, configured keys/paths) from a document before it leaves the process.
import type { AuditDocument, DocumentRedactor } from '../model/ecs-document.js';
import { FIELDS } from '../model/vocabulary.js';
import { ConfigurationError } from '../model/errors.js';

/** Keys always masked, wherever they appear (case-insensitive): HTTP credentials. */
export const ALWAYS_REDACTED_KEYS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'] as const;

/** What replaces a masked value. */
export const REDACTED = '[REDACTED]';

/** Options of `createRedactor`. */
export interface RedactOptions {
  /**
   * More keys to mask wherever they appear in the document (headers, `audit_trail.details`,
   * `audit_trail.diff`, caller metadata), compared case-insensitively, with `-`/`_` treated alike.
   * Default: none (the `ALWAYS_REDACTED_KEYS` are always masked).
   */
  keys?: readonly string[];
  /**
   * Dotted paths from the document root whose value is masked, e.g. `audit_trail.details.card.number`.
   * A path through an array applies to each element. Default: none.
   */
  paths?: readonly string[];
  /** `mask` replaces the value with `[REDACTED]`; `remove` deletes the key. Default: `mask`. */
  mode?: 'mask' | 'remove';
}

const normaliseKey = (key: string): string => key.toLowerCase().replaceAll('_', '-');

type Json = unknown;

/** Builds a redactor for the transport's `redact` hook. It never mutates its input. */
export function createRedactor(options: RedactOptions = {}): DocumentRedactor {
  const keys = new Set<string>(ALWAYS_REDACTED_KEYS);
  for (const key of options.keys ?? []) {
    if (typeof key !== 'string' || !key.trim()) throw new ConfigurationError('redact.keys', 'must be a list of non-empty strings, e.g. ["x-api-key", "password"]');
    keys.add(normaliseKey(key.trim()));
  }
  const paths = (options.paths ?? []).map((path) => {
    if (typeof path !== 'string' || !/^[^.\s]+(\.[^.\s]+)*$/.test(path)) {
      throw new ConfigurationError('redact.paths', `must be dotted paths such as "audit_trail.details.card.number", got ${JSON.stringify(path)}`);
    }
    return path.split('.');
  });
  const mode = options.mode ?? 'mask';
  if (mode !== 'mask' && mode !== 'remove') throw new ConfigurationError('redact.mode', `must be "mask" or "remove", got ${JSON.stringify(mode)}`);

  const walk = (value: Json, pending: readonly (readonly string[])[]): Json => {
    if (Array.isArray(value)) return value.map((item) => walk(item, pending));
    if (value === null || typeof value !== 'object' || value instanceof Date) return value;
    const out: Record<string, Json> = {};
    for (const [key, child] of Object.entries(value as Record<string, Json>)) {
      const deeper = pending.filter((p) => p[0] === key).map((p) => p.slice(1));
      const hit = keys.has(normaliseKey(key)) || deeper.some((p) => p.length === 0);
      if (hit) {
        if (mode === 'mask') out[key] = REDACTED;
        continue;
      }
      out[key] = walk(child, deeper);
    }
    return out;
  };

  // Each key's verdict, remembered (documents repeat the same few keys); bounded so odd keys cannot grow it.
  const verdicts = new Map<string, boolean>();
  const masked = (key: string): boolean => {
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      verdict = keys.has(normaliseKey(key));
      if (verdicts.size < 10_000) verdicts.set(key, verdict);
    }
    return verdict;
  };
  /** Whether any key below `value` is masked: read only, so a document with nothing to mask is returned as it is. */
  const holdsMasked = (value: Json): boolean => {
    if (value === null || typeof value !== 'object' || value instanceof Date) return false;
    if (Array.isArray(value)) return value.some(holdsMasked);
    for (const key in value as Record<string, Json>) {
      if (masked(key) || holdsMasked((value as Record<string, Json>)[key])) return true;
    }
    return false;
  };

  const redactor = (document: AuditDocument) => (paths.length === 0 && !holdsMasked(document) ? document : (walk(document, paths) as AuditDocument));
  // Without paths, and with no key that names a field this product writes, only free-form values can hold a masked key.
  const ownKeys = new Set(FIELDS.flatMap((field) => field.name.split('.')).map(normaliseKey));
  if (paths.length > 0 || [...keys].some((key) => ownKeys.has(key))) return redactor;
  const freeForm = (value: Record<string, unknown>) => (holdsMasked(value) ? (walk(value, []) as Record<string, unknown>) : value);
  return Object.assign(redactor, { freeForm });
}

/** The redactor `createAuditLogger` installs when given no other: masks the always-redacted keys. */
export const defaultRedactor = createRedactor();
