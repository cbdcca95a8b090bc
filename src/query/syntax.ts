// The one parser of the `key:value` search syntax (and of single filter values): text in, AuditFilter out.
import type { AuditFilter } from './list.js';
import { ACTIONS, OUTCOMES, RESOURCE_TYPES, isAction, isOutcome, isResourceType } from '../model/vocabulary.js';

/** Keys of the search syntax, each with the filter list it fills. */
export const QUERY_KEYS = ['action', 'resource_type', 'outcome', 'target', 'user', 'from', 'to'] as const;
export type QueryKey = (typeof QUERY_KEYS)[number];

/** A search text or filter value that cannot be understood; `position` is the 0-based offset in the text. */
export class QuerySyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly position: number,
  ) {
    super(`${problem} (at character ${position + 1})`);
    this.name = 'QuerySyntaxError';
  }
}

type MutableFilter = {
  actions?: string[];
  resourceTypes?: string[];
  outcomes?: string[];
  targets?: string[];
  users?: string[];
  from?: Date;
  to?: Date;
};

const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(2999, 11, 31);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Parses `2026-11-24` (UTC midnight) or an ISO date-time (UTC unless it carries an offset). */
export function parseDate(value: string, position = 0, endOfDay = false): Date {
  const text = value.trim();
  if (!DATE_ONLY.test(text) && !DATE_TIME.test(text)) {
    throw new QuerySyntaxError(`'${value}' is not a date: write 2026-11-24 or 2026-11-24T13:45Z`, position);
  }
  const iso = DATE_ONLY.test(text) ? `${text}T00:00:00Z` : /Z|[+-]\d{2}:\d{2}$/.test(text) ? text : `${text}Z`;
  const date = new Date(iso);
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (Number.isNaN(date.getTime()) || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) {
    throw new QuerySyntaxError(`'${value}' is not a real date`, position);
  }
  if (date.getTime() < EARLIEST || date.getTime() > LATEST) throw new QuerySyntaxError(`'${value}' is out of range (1970 to 2999)`, position);
  // A bare day as upper bound means "through that day".
  return endOfDay && DATE_ONLY.test(text) ? new Date(date.getTime() + 86_400_000) : date;
}

function choice(key: string, value: string, position: number, known: readonly string[], ok: (v: string) => boolean): string {
  if (!ok(value)) throw new QuerySyntaxError(`unknown ${key} '${value}': use one of ${known.join(', ')}`, position);
  return value;
}

/** Adds one `key:value` term to a filter (several values of one key mean OR). Throws QuerySyntaxError. */
export function addTerm(filter: MutableFilter, key: string, value: string, position = 0): void {
  const push = (list: keyof Omit<MutableFilter, 'from' | 'to'>, v: string): void => {
    const values = (filter[list] ??= []);
    if (!values.includes(v)) values.push(v);
  };
  if (value.length === 0) throw new QuerySyntaxError(`'${key}:' needs a value`, position);
  if (value.length > 256) throw new QuerySyntaxError(`the value of '${key}' is too long (at most 256 characters)`, position);
  switch (key) {
    case 'action':
      return push('actions', choice('action', value, position, ACTIONS, isAction));
    case 'resource_type':
    case 'type':
      return push('resourceTypes', choice('resource type', value, position, RESOURCE_TYPES, isResourceType));
    case 'outcome':
      return push('outcomes', choice('outcome', value, position, OUTCOMES, isOutcome));
    case 'target':
      return push('targets', value);
    case 'user':
      return push('users', value);
    case 'from':
      filter.from = parseDate(value, position);
      return;
    case 'to':
      filter.to = parseDate(value, position, true);
      return;
    default:
      throw new QuerySyntaxError(`unknown key '${key}': use ${QUERY_KEYS.join(', ')}`, position);
  }
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
    if (!(QUERY_KEYS as readonly string[]).includes(key) && key !== 'type') {
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
  const add = (key: QueryKey, values: readonly string[] | undefined): void => {
    for (const v of values ?? []) parts.push(`${key}:${quote(v)}`);
  };
  add('action', filter.actions);
  add('resource_type', filter.resourceTypes);
  add('outcome', filter.outcomes);
  add('target', filter.targets);
  add('user', filter.users);
  if (filter.from) parts.push(`from:${filter.from.toISOString()}`);
  if (filter.to) parts.push(`to:${filter.to.toISOString()}`);
  return parts.join(' ');
}

/** Both filters at once (AND): lists intersect when both set one, the narrower time range wins. */
export function combineFilters(a: AuditFilter, b: AuditFilter): AuditFilter {
  const both = <T extends string>(x: readonly T[] | undefined, y: readonly T[] | undefined): readonly T[] | undefined => {
    if (!x?.length) return y;
    if (!y?.length) return x;
    const lower = new Set(y.map((v) => v.toLowerCase()));
    const kept = x.filter((v) => lower.has(v.toLowerCase()));
    // An empty intersection must match nothing, not everything: keep an impossible value.
    return kept.length ? kept : (['\u0000none'] as unknown as T[]);
  };
  const out: MutableFilter = {};
  const set = (key: keyof Omit<MutableFilter, 'from' | 'to'>, v: readonly string[] | undefined): void => {
    if (v?.length) out[key] = [...v];
  };
  set('actions', both(a.actions, b.actions));
  set('resourceTypes', both(a.resourceTypes, b.resourceTypes));
  set('outcomes', both(a.outcomes, b.outcomes));
  set('targets', both(a.targets, b.targets));
  set('users', both(a.users, b.users));
  const from = [a.from, b.from].filter((d): d is Date => !!d).sort((x, y) => y.getTime() - x.getTime())[0];
  const to = [a.to, b.to].filter((d): d is Date => !!d).sort((x, y) => x.getTime() - y.getTime())[0];
  if (from) out.from = from;
  if (to) out.to = to;
  return out as AuditFilter;
}
