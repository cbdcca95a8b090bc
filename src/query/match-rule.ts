// What a matching rule is (read, write, combine, query one kind of value), and the helpers the list rules share.
import { FIELDS } from '../model/vocabulary.js';
import { QuerySyntaxError } from './syntax-error.js';

/** One clause of the OpenSearch query DSL. */
export type Clause = Record<string, unknown>;

/** What a rule needs to know of the key it serves. */
export interface RuleKey {
  /** Key name, for messages. */
  readonly name: string;
  /** The key in words, for messages. */
  readonly label: string;
  /** OpenSearch fields the values are matched against. */
  readonly fields: readonly string[];
  /** The only values allowed, when the key has a closed list. */
  readonly values?: readonly string[];
}

/** What reading a value may depend on: the moment relative times (`now-7d`) count from. */
export interface RuleContext {
  readonly now: Date;
}

/** A kind of matching: how one value is read, written back, combined with another filter and turned into DSL. */
export interface MatchRule<V> {
  /** How values match, in words (the README's search table). */
  readonly summary: string;
  /** Whether `-key:value` (NOT) applies. */
  readonly negatable: boolean;
  /** Whether `*` in a value is a wildcard; for other rules a `*` is refused, never searched literally. */
  readonly patterns: boolean;
  /** Adds one value (from the search syntax, the form or the URL) to the key's current value. Throws QuerySyntaxError. */
  add(key: RuleKey, current: V | undefined, text: string, position: number, context: RuleContext): V;
  /** The value as search-syntax values, one per term. */
  format(value: V): string[];
  /** The value of both filters at once (AND). */
  combine(a: V | undefined, b: V | undefined): V | undefined;
  /** The clause matching the value. Range clauses on one field are merged by the caller. */
  clause(key: RuleKey, value: V): Clause;
}

export type Values = readonly string[];

/** The value an empty intersection keeps: the query turns it into a clause matching nothing. */
export const NO_VALUE = '\u0000none';

/** A value of the list, when the key has a closed list; else the value as typed. */
function allowed(key: RuleKey, text: string, position: number): string {
  if (key.values && !key.values.includes(text)) {
    throw new QuerySyntaxError(`unknown ${key.label.toLowerCase()} '${text}': use one of ${key.values.join(', ')}`, position);
  }
  return text;
}

/** Several values mean OR, without duplicates. */
export const addToList = (key: RuleKey, current: Values | undefined, text: string, position: number): Values => {
  const value = allowed(key, text, position);
  return current?.includes(value) ? current : [...(current ?? []), value];
};

/** Values both lists hold (case-insensitively); an empty intersection keeps NO_VALUE so it matches nothing. */
export function intersect(a: Values | undefined, b: Values | undefined): Values | undefined {
  if (!a?.length) return b;
  if (!b?.length) return a;
  const lower = new Set(b.map((v) => v.toLowerCase()));
  const kept = a.filter((v) => lower.has(v.toLowerCase()));
  return kept.length ? kept : [NO_VALUE];
}

/** Every value of both lists, once. */
export function union(a: Values | undefined, b: Values | undefined): Values | undefined {
  if (!a?.length) return b;
  if (!b?.length) return a;
  return [...new Set([...a, ...b])];
}

/** How a field is searched: `text` for analysed fields (match), `keyword` for exact ones (term). */
export function searchKindOf(field: string): 'text' | 'keyword' {
  if (FIELDS.some((f) => f.name === field)) return FIELDS.find((f) => f.name === field)!.kind === 'match_only_text' ? 'text' : 'keyword';
  const parent = FIELDS.find((f) => field === `${f.name}.text` && 'subfields' in f && (f.subfields as readonly string[]).includes('text'));
  if (parent) return 'text';
  throw new Error(`no field '${field}' in FIELDS`);
}

/** The field's `wildcard` sub-field, when the mapping has one. */
export function wildcardFieldOf(field: string): string | undefined {
  const spec = FIELDS.find((f) => f.name === field);
  return spec && 'subfields' in spec && (spec.subfields as readonly string[]).includes('wildcard') ? `${field}.wildcard` : undefined;
}

/** A clause of several: the one itself, or a bool of them. */
export const anyOf = (clauses: Clause[]): Clause => (clauses.length === 1 ? clauses[0]! : { bool: { should: clauses, minimum_should_match: 1 } });
export const allOf = (clauses: Clause[]): Clause => (clauses.length === 1 ? clauses[0]! : { bool: { filter: clauses } });
