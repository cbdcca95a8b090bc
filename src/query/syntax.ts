// The one parser of the search syntax (and of single filter values): text in, AuditFilter out, and back.
import { FILTER_KEYS, filterKeyNamed, ruleOf, valueOf, type AuditFilter, type FilterKeyName, type KeyFilter } from './filter-keys.js';
import { union, type RuleContext, type Values } from './match-rule.js';
import { QuerySyntaxError } from './syntax-error.js';

export { QuerySyntaxError };

/** Keys of the search syntax, in the order formatQuery writes them. */
export const QUERY_KEYS: readonly FilterKeyName[] = FILTER_KEYS.map((key) => key.name);
export type QueryKey = FilterKeyName;
/** The key a bare word or quoted phrase searches. */
export const FREE_TEXT_KEY: FilterKeyName = 'text';

/** A filter being built: any property of any key, and `not`. */
type MutableFilter = Record<string, unknown>;

const MAX_VALUE_LENGTH = 256;
const MAX_QUERY_LENGTH = 2000;

/**
 * Adds one `key:value` term to a filter (several values of one key mean OR); with `negated`, to the events left out.
 * Relative times count from `context.now`. Throws QuerySyntaxError.
 */
export function addTerm(filter: MutableFilter, name: string, value: string, position = 0, context: RuleContext = { now: new Date() }, negated = false): void {
  if (value.length === 0) throw new QuerySyntaxError(`'${name}:' needs a value`, position);
  if (value.length > MAX_VALUE_LENGTH) throw new QuerySyntaxError(`the value of '${name}' is too long (at most ${MAX_VALUE_LENGTH} characters)`, position);
  const key = filterKeyNamed(name);
  if (!key) throw new QuerySyntaxError(`unknown key '${name}': use ${QUERY_KEYS.join(', ')}`, position);
  const rule = ruleOf(key);
  if (!rule.patterns && value.includes('*')) {
    const takers = FILTER_KEYS.filter((k) => ruleOf(k).patterns).map((k) => k.name);
    throw new QuerySyntaxError(`'*' is not a wildcard in '${key.name}': wildcards work in ${takers.join(' and ')} only`, position);
  }
  if (negated && !rule.negatable) throw new QuerySyntaxError(`'${key.name}' cannot be negated: set the time range you want instead`, position);
  const target = negated ? ((filter.not ??= {}) as MutableFilter) : filter;
  target[key.property] = rule.add(key, target[key.property], value, position, context);
}

/** Checks that the time range is not empty. */
export function checkRange(filter: AuditFilter, position = 0): void {
  if (filter.from && filter.to && filter.from.getTime() >= filter.to.getTime()) {
    throw new QuerySyntaxError(`'from' (${filter.from.toISOString()}) must be before 'to' (${filter.to.toISOString()})`, position);
  }
}

/** Reads a value at `i`: quoted (`\"` and `\\` escape inside) or up to the next space. */
function readValue(text: string, i: number, key: string): { value: string; end: number } {
  const n = text.length;
  if (text[i] !== '"') {
    let end = i;
    while (end < n && !/\s/.test(text[end]!)) end++;
    const value = text.slice(i, end);
    if (value.includes('"')) throw new QuerySyntaxError(`a quote must open the value of '${key}:'`, i + value.indexOf('"'));
    return { value, end };
  }
  let value = '';
  for (let j = i + 1; j < n; j++) {
    const c = text[j]!;
    if (c === '\\' && j + 1 < n) value += text[++j];
    else if (c === '"') {
      if (j + 1 < n && !/\s/.test(text[j + 1]!)) throw new QuerySyntaxError('expected a space after the closing quote', j + 1);
      return { value, end: j + 1 };
    } else value += c;
  }
  throw new QuerySyntaxError(`unclosed quote in '${key}:'`, i);
}

/**
 * Parses `action:create user:alice target:"dev*" -outcome:success NOT user:bob "deleted workspace" from:now-7d`.
 * A bare word or quoted phrase is free text; `-` or `NOT` leaves matches out; terms combine with AND (a bare `AND` is
 * allowed). Relative times count from `options.now` (default: the current time). Throws QuerySyntaxError with the position.
 */
export function parseQuery(text: string, options: { now?: Date } = {}): AuditFilter {
  const context: RuleContext = { now: options.now ?? new Date() };
  const filter: MutableFilter = {};
  if (text.length > MAX_QUERY_LENGTH) throw new QuerySyntaxError(`the search is too long (at most ${MAX_QUERY_LENGTH} characters)`, MAX_QUERY_LENGTH);
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    const start = i;
    let word = /^\S*/.exec(text.slice(i))![0];
    if (word === 'AND' || word === '&&') {
      i += word.length;
      continue;
    }
    if (word === 'OR' || word === '||') throw new QuerySyntaxError('OR is not supported: several values of one key already mean OR (action:login action:view)', start);
    let negated = false;
    if (word === 'NOT') {
      negated = true;
      i += 3;
      while (i < n && /\s/.test(text[i]!)) i++;
      if (i >= n) throw new QuerySyntaxError('NOT needs a term after it', start);
      word = /^\S*/.exec(text.slice(i))![0];
    } else if (word.length > 1 && word.startsWith('-')) {
      negated = true;
      i++;
      word = word.slice(1);
    }
    if (/^[()]/.test(word)) throw new QuerySyntaxError('grouping with ( ) is not supported: terms always combine with AND', i);
    const keyed = /^([A-Za-z_]+):/.exec(word);
    const key = keyed ? keyed[1]!.toLowerCase() : FREE_TEXT_KEY;
    if (keyed && !filterKeyNamed(key)) throw new QuerySyntaxError(`unknown key '${key}': use ${QUERY_KEYS.join(', ')}`, i);
    if (keyed) i += keyed[0].length;
    const valueStart = i;
    const { value, end } = readValue(text, i, key);
    i = end;
    addTerm(filter, key, value, valueStart, context, negated);
  }
  checkRange(filter as AuditFilter, 0);
  return filter as AuditFilter;
}

const quote = (v: string): string => (/^[^\s"\\]+$/.test(v) ? v : `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`);

function formatKeys(filter: KeyFilter, prefix: string): string[] {
  const parts: string[] = [];
  for (const key of FILTER_KEYS) {
    const value = valueOf(filter, key);
    if (value !== undefined) for (const text of ruleOf(key).format(value)) parts.push(`${prefix}${key.name}:${quote(text)}`);
  }
  return parts;
}

/** Writes a filter back in the search syntax (parseQuery(formatQuery(f)) gives f back); times as absolute UTC. */
export function formatQuery(filter: AuditFilter): string {
  return [...formatKeys(filter, ''), ...formatKeys(filter.not ?? {}, '-')].join(' ');
}

const hasValue = (value: unknown): boolean => value !== undefined && !(Array.isArray(value) && value.length === 0);

/** Both filters at once (AND): lists intersect when both set one, the narrower time range wins, exclusions add up. */
export function combineFilters(a: AuditFilter, b: AuditFilter): AuditFilter {
  const out: MutableFilter = {};
  const not: MutableFilter = {};
  for (const key of FILTER_KEYS) {
    const value = ruleOf(key).combine(valueOf(a, key), valueOf(b, key));
    if (hasValue(value)) out[key.property] = value;
    const excluded = union(valueOf(a.not ?? {}, key) as Values | undefined, valueOf(b.not ?? {}, key) as Values | undefined);
    if (hasValue(excluded)) not[key.property] = excluded;
  }
  if (Object.keys(not).length) out.not = not;
  return out as AuditFilter;
}
