// Field policies: per audited resource, a table classifying every field as tracked, ignored (with a reason), secret or nested.
import type { ResourceType } from '../model/vocabulary.js';

/** How one field of a resource appears in a diff. */
export type FieldPolicy =
  | { readonly kind: 'track' }
  | { readonly kind: 'ignore'; readonly reason: string }
  | { readonly kind: 'secret' }
  | { readonly kind: 'nested'; readonly fields: Readonly<Record<string, FieldPolicy>> };

/** The field is shown in diffs with its old and new values. */
export const track: FieldPolicy = Object.freeze({ kind: 'track' });
/** The field never appears in diffs; `reason` says why (kept in the table for reviewers). */
export const ignore = (reason: string): FieldPolicy => {
  if (!reason.trim()) throw new Error('ignore(reason): say why the field is not audited');
  return Object.freeze({ kind: 'ignore', reason });
};
/** The field's value never appears: diffs carry keyed hashes (HMAC-SHA256) of old and new. */
export const secret: FieldPolicy = Object.freeze({ kind: 'secret' });

/**
 * A table with one entry per key of `T`, optional keys included: leaving a field out is a compile
 * error (`Record<keyof T, …>`), and `unclassifiedFields` catches fields added at run time.
 */
export type FieldTable<T> = { readonly [K in keyof Required<T>]: FieldPolicy };

/** An object-valued field whose own fields are classified by `fields` (flattened as `parent.child` in diffs). */
export function nested<T>(fields: FieldTable<T>): FieldPolicy {
  return Object.freeze({ kind: 'nested', fields });
}

/** The policy of one audited resource. */
export interface ResourcePolicy<T> {
  readonly resourceType: ResourceType;
  readonly fields: FieldTable<T>;
}

/** Declares a resource's policy; the type argument is the resource's TypeScript type. */
export function definePolicy<T>(resourceType: ResourceType, fields: FieldTable<T>): ResourcePolicy<T> {
  return Object.freeze({ resourceType, fields: Object.freeze({ ...fields }) });
}

/** Fields of `value` (dotted for nested ones) that the table does not classify. Empty when covered. */
export function unclassifiedFields(fields: Readonly<Record<string, FieldPolicy>>, value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return [];
  const missing: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const policy = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (!policy) missing.push(prefix + key);
    else if (policy.kind === 'nested') missing.push(...unclassifiedFields(policy.fields, child, `${prefix}${key}.`));
  }
  return missing;
}

/** A field the policy does not classify: classify it in the resource's table. */
export class UnclassifiedFieldError extends Error {
  override readonly name = 'UnclassifiedFieldError';
  constructor(
    readonly resourceType: ResourceType,
    readonly fields: readonly string[],
  ) {
    super(`${resourceType} has fields its audit policy does not classify: ${fields.join(', ')}; add each to the table as track, ignore(reason) or secret`);
  }
}
