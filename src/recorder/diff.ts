// Computes an audit diff of two versions of a resource from its field policy; secret fields carry HMACs, never values.
import { createHmac } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { DiffEntry } from '../model/event.js';
import { ConfigurationError } from '../model/errors.js';
import { UnclassifiedFieldError, unclassifiedFields, type FieldPolicy, type ResourcePolicy } from './field-policy.js';

/** Options of `diffResources`. */
export interface DiffOptions {
  /** Key of the HMAC-SHA256 over secret values (at least 16 bytes). Required when the policy has a secret field. */
  hmacKey?: string | Buffer;
  /** Also list secret fields whose value did not change (same hash), so a view can show "unchanged". Default: false. */
  includeUnchangedSecrets?: boolean;
}

/** A value as it is stored: dates as ISO strings, undefined as null, recursively. */
export function normaliseValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(normaliseValue);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, normaliseValue(v)]));
  }
  return value;
}

/** Canonical JSON (sorted keys) so equal values always hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `hmac-sha256:<hex>` of a value, or null when the value is absent (null/undefined). */
export function secretHash(key: string | Buffer, value: unknown): string | null {
  const normalised = normaliseValue(value);
  if (normalised === null) return null;
  return `hmac-sha256:${createHmac('sha256', key).update(canonical(normalised)).digest('hex')}`;
}

function checkKey(key: DiffOptions['hmacKey']): string | Buffer {
  if (key === undefined) throw new ConfigurationError('hmacKey', 'is required to diff a resource with secret fields: give a key of at least 16 bytes from your configuration');
  const length = typeof key === 'string' ? Buffer.byteLength(key) : Buffer.isBuffer(key) ? key.length : 0;
  if (length < 16) throw new ConfigurationError('hmacKey', 'must be a string or Buffer of at least 16 bytes');
  return key;
}

function diffFields(
  fields: Readonly<Record<string, FieldPolicy>>,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  prefix: string,
  options: DiffOptions,
  out: Record<string, DiffEntry>,
): void {
  for (const [field, policy] of Object.entries(fields)) {
    const name = prefix + field;
    const oldValue = normaliseValue(before[field]);
    const newValue = normaliseValue(after[field]);
    switch (policy.kind) {
      case 'ignore':
        break;
      case 'track':
        if (!isDeepStrictEqual(oldValue, newValue)) out[name] = { old: oldValue, new: newValue };
        break;
      case 'secret': {
        const key = checkKey(options.hmacKey);
        const oldHash = secretHash(key, oldValue);
        const newHash = secretHash(key, newValue);
        if (oldHash !== newHash || (options.includeUnchangedSecrets && (oldHash !== null || newHash !== null))) {
          out[name] = { secret: true, old: oldHash, new: newHash };
        }
        break;
      }
      case 'nested': {
        const asObject = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
        diffFields(policy.fields, asObject(before[field]), asObject(after[field]), `${name}.`, options, out);
        break;
      }
    }
  }
}

/**
 * The `audit_trail.diff` of two versions of a resource: `{ field: { old, new } }` for each changed
 * tracked field (nested fields as `parent.child`), `{ secret: true, old: hash, new: hash }` for secret
 * ones; ignored fields never appear. `before` is null/undefined for a creation, `after` for a deletion.
 * Throws `UnclassifiedFieldError` when either version has a field the policy does not classify.
 */
export function diffResources<T extends object>(
  policy: ResourcePolicy<T>,
  before: T | null | undefined,
  after: T | null | undefined,
  options: DiffOptions = {},
): Record<string, DiffEntry> {
  const fields = policy.fields as Readonly<Record<string, FieldPolicy>>;
  const missing = [...new Set([...unclassifiedFields(fields, before), ...unclassifiedFields(fields, after)])];
  if (missing.length) throw new UnclassifiedFieldError(policy.resourceType, missing);
  const out: Record<string, DiffEntry> = {};
  diffFields(fields, (before ?? {}) as Record<string, unknown>, (after ?? {}) as Record<string, unknown>, '', options, out);
  return out;
}

/** How a secret field's entry relates to the history before it. */
export type SecretChange = 'changed' | 'unchanged' | 'reverted';

/**
 * Classifies secret diff entries, oldest first: `unchanged` (same hash), `reverted` (back to a value
 * seen earlier in the history) or `changed`. Hashes only compare under the same HMAC key.
 */
export function classifySecretChanges(entries: readonly DiffEntry[]): SecretChange[] {
  const seen = new Set<unknown>();
  return entries.map((entry) => {
    if (entry.old !== null && entry.old !== undefined) seen.add(entry.old);
    const result: SecretChange = entry.old === entry.new ? 'unchanged' : seen.has(entry.new) ? 'reverted' : 'changed';
    if (entry.new !== null && entry.new !== undefined) seen.add(entry.new);
    return result;
  });
}
