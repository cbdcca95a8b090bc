// The one parser of the `key:value` search syntax (and of single filter values): text in, AuditFilter out, and back.
import { FILTER_KEYS, filterKeyNamed, ruleOf, valueOf, type AuditFilter, type FilterKeyName } from './filter-keys.js';
import { QuerySyntaxError } from './syntax-error.js';

export { QuerySyntaxError };

/** Keys of the search syntax, in the order formatQuery writes them. */
export const QUERY_KEYS: readonly FilterKeyName[] = FILTER_KEYS.map((key) => key.name);
export type QueryKey = FilterKeyName;

/** A filter being built: any property of any key. */
type MutableFilter = Record<string, unknown>;

const MAX_VALUE_LENGTH = 256;

/** Adds one `key:value` term to a filter (several values of one key mean OR). Throws QuerySyntaxError. */
export function addTerm(filter: MutableFilter, name: string, value: string, position = 0): void {
  if (value.length === 0) throw new QuerySyntaxError(`'${name}:' needs a value`, position);
  if (value.length > MAX_VALUE_LENGTH) throw new QuerySyntaxError(`the value of '${name}' is too long (at most ${MAX_VALUE_LENGTH} characters)`, position);
  const key = filterKeyNamed(name);
  if (!key) throw new QuerySyntaxError(`unknown key '${name}': use ${QUERY_KEYS.join(', ')}`, position);
  filter[key.property] = ruleOf(key).add(key, filter[key.property], value, position);
}

/** Checks that the time range is not empty. */
export function checkRange(filter: AuditFilter, position = 0): void {
  if (filter.from && filter.to && filter.from.getTime() >= filter.to.getTime()) {
    throw new QuerySyntaxError(`'from' (${filter.from.toISOString()}) must be before 'to' (${filter.to.toISOString()})`, position);
  }
}

/**
 * Parses `action:create resource_type:workspace user:alice target:"alice@example.com" from:2026-11-01 to:2026-11-24`.
 * Values may be quoted with `"` (`\"` and `\\` escape inside quotes). Throws QuerySyntaxError with the position.
 */
export function parseQuery(text: string): AuditFilter {
  const filter: MutableFilter = {};
  if (text.length > 2000) throw new QuerySyntaxError('the search is too long (at most 2000 characters)', 2000);
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && /[A-Za-z_]/.test(text[i]!)) i++;
    const key = text.slice(start, i).toLowerCase();
    if (text[i] !== ':' || key.length === 0) {
      const word = /^\S*/.exec(text.slice(start))![0];
      throw new QuerySyntaxError(`expected key:value, found '${word}' (keys: ${QUERY_KEYS.join(', ')})`, start);
    }
    if (!filterKeyNamed(key)) {
      throw new QuerySyntaxError(`unknown key '${key}': use ${QUERY_KEYS.join(', ')}`, start);
    }
    i++;
    const valueStart = i;
    let value = '';
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i]!;
        if (c === '\\' && i + 1 < n) {
          value += text[i + 1];
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) throw new QuerySyntaxError(`unclosed quote in '${key}:'`, valueStart);
      if (i < n && !/\s/.test(text[i]!)) throw new QuerySyntaxError('expected a space after the closing quote', i);
    } else {
      while (i < n && !/\s/.test(text[i]!)) i++;
      value = text.slice(valueStart, i);
      if (value.includes('"')) throw new QuerySyntaxError(`a quote must open the value of '${key}:'`, valueStart + value.indexOf('"'));
    }
    addTerm(filter, key, value, valueStart);
  }
  checkRange(filter as AuditFilter, 0);
  return filter as AuditFilter;
}

const quote = (v: string): string => (/^[^\s"\\]+$/.test(v) ? v : `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`);

/** Writes a filter back in the search syntax (parseQuery(formatQuery(f)) gives f back). */
export function formatQuery(filter: AuditFilter): string {
  const parts: string[] = [];
  for (const key of FILTER_KEYS) {
    const value = valueOf(filter, key);
    if (value !== undefined) for (const text of ruleOf(key).format(value)) parts.push(`${key.name}:${quote(text)}`);
  }
  return parts.join(' ');
}

/** Both filters at once (AND): lists intersect when both set one, the narrower time range wins. */
export function combineFilters(a: AuditFilter, b: AuditFilter): AuditFilter {
  const out: MutableFilter = {};
  for (const key of FILTER_KEYS) {
    const value = ruleOf(key).combine(valueOf(a, key), valueOf(b, key));
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) out[key.property] = value;
  }
  return out as AuditFilter;
}
