// How a filter key's values match documents: each rule reads, writes, combines and queries one kind of value.
import { DateTextError, parseDateText } from '../model/date-text.js';
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

/** A kind of matching: how one value is read, written back, combined with another filter and turned into DSL. */
export interface MatchRule<V> {
  /** Adds one value (from the search syntax, the form or the URL) to the key's current value. Throws QuerySyntaxError. */
  add(key: RuleKey, current: V | undefined, text: string, position: number): V;
  /** The value as search-syntax values, one per term. */
  format(value: V): string[];
  /** The value of both filters at once (AND). */
  combine(a: V | undefined, b: V | undefined): V | undefined;
  /** The clause matching the value. Range clauses on one field are merged by the caller. */
  clause(key: RuleKey, value: V): Clause;
}

type Values = readonly string[];

/** A value of the list, when the key has a closed list; else the value as typed. */
function allowed(key: RuleKey, text: string, position: number): string {
  if (key.values && !key.values.includes(text)) {
    throw new QuerySyntaxError(`unknown ${key.label.toLowerCase()} '${text}': use one of ${key.values.join(', ')}`, position);
  }
  return text;
}

/** Several values mean OR, without duplicates. */
const addToList = (key: RuleKey, current: Values | undefined, text: string, position: number): Values => {
  const value = allowed(key, text, position);
  return current?.includes(value) ? current : [...(current ?? []), value];
};

/** Values both lists hold (case-insensitively); an empty intersection keeps an impossible value so it matches nothing. */
function intersect(a: Values | undefined, b: Values | undefined): Values | undefined {
  if (!a?.length) return b;
  if (!b?.length) return a;
  const lower = new Set(b.map((v) => v.toLowerCase()));
  const kept = a.filter((v) => lower.has(v.toLowerCase()));
  return kept.length ? kept : ['\u0000none'];
}

function dateOf(text: string, position: number, endOfDay: boolean): Date {
  try {
    return parseDateText(text, { endOfDay });
  } catch (error) {
    if (error instanceof DateTextError) throw new QuerySyntaxError(error.problem, position);
    throw error;
  }
}

const timeBound = (bound: 'gte' | 'lt', pick: (a: Date, b: Date) => Date): MatchRule<Date> => ({
  // A bare day as upper bound means "through that day".
  add: (_key, _current, text, position) => dateOf(text, position, bound === 'lt'),
  format: (value) => [value.toISOString()],
  combine: (a, b) => (a && b ? pick(a, b) : (a ?? b)),
  clause: (key, value) => ({ range: Object.fromEntries(key.fields.map((f) => [f, { format: 'strict_date_optional_time', [bound]: value.toISOString() }])) }),
});

/** The field holds one of the values, exactly. */
const exact: MatchRule<Values> = {
  add: addToList,
  format: (value) => [...value],
  combine: intersect,
  clause: (key, value) => {
    const clauses = key.fields.map((field) => ({ terms: { [field]: [...value] } }));
    return clauses.length === 1 ? clauses[0]! : { bool: { should: clauses, minimum_should_match: 1 } };
  },
};

/** One of the fields holds one of the values, ignoring case. */
const anyFieldIgnoringCase: MatchRule<Values> = {
  add: addToList,
  format: (value) => [...value],
  combine: intersect,
  clause: (key, value) => ({
    bool: { should: value.flatMap((v) => key.fields.map((field) => ({ term: { [field]: { value: v, case_insensitive: true } } }))), minimum_should_match: 1 },
  }),
};

/** Every matching rule; a key names one of them. */
export const MATCH_RULES = {
  exact,
  anyFieldIgnoringCase,
  /** Inclusive lower time bound; with two filters the later bound wins. */
  notBefore: timeBound('gte', (a, b) => (a.getTime() >= b.getTime() ? a : b)),
  /** Exclusive upper time bound (a bare day means through that day); with two filters the earlier bound wins. */
  before: timeBound('lt', (a, b) => (a.getTime() <= b.getTime() ? a : b)),
} as const;

export type MatchRuleName = keyof typeof MATCH_RULES;
/** The value a rule holds: a list of strings, or a Date. */
export type RuleValue<R extends MatchRuleName> = (typeof MATCH_RULES)[R] extends MatchRule<infer V> ? V : never;
