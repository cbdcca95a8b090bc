// The page's URL parameters ↔ the query module's filter, through the one query-syntax parser and the filter-key table.
import { FILTER_KEYS, type AuditFilter, type FilterKey } from '../query/filter-keys.js';
import { decodeCursor, type Cursor } from '../query/list.js';
import { QuerySyntaxError, addTerm, checkRange, combineFilters, parseQuery } from '../query/syntax.js';

/** Time-range presets offered beside from/to; a preset sets `from` (to now) and is refused together with From or To. */
export const RANGE_PRESETS = [
  { value: '1h', label: 'Last hour', ms: 3600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 24 * 3600_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 24 * 3600_000 },
] as const;

/** Keys with a closed list take several values (a multiple select); the others one (a text field). */
type ParamOf<K extends FilterKey> = K extends { values: readonly string[] } ? string[] : string;

/** Whether a key takes several values in the URL and the form. */
export const takesSeveral = (key: FilterKey): boolean => 'values' in key;

/** The filter parameters of the page, as found in the URL: one per filter key, the time-range preset, the search box and the time zone shown. */
export type PageParams = { [K in FilterKey as K['name']]: ParamOf<K> } & { range: string; q: string; tz: TimeZoneChoice };

/** Times in the reader's zone (`''`), or in UTC (`tz=utc`). */
export type TimeZoneChoice = '' | 'utc';

/** A key's values in the page parameters, as a list. */
export const paramValues = (params: PageParams, key: FilterKey): string[] => [params[key.name]].flat().filter((v) => v !== '');

export interface ParsedPage {
  params: PageParams;
  filter: AuditFilter;
  /** The search box's own part of the filter. */
  queryFilter: AuditFilter;
  /** Position of the page's first row among the matches, 1-based (carried by the paging links). */
  start: number;
  after?: Cursor;
  before?: Cursor;
  size: number;
  /** Messages about input that could not be used; when present, nothing is queried. */
  errors: string[];
}

type Query = Record<string, unknown>;

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
const one = (value: unknown): string => list(value)[0] ?? '';

/** Reads the URL parameters; bad values become messages, never exceptions. */
export function parsePageParams(query: Query, options: { now: Date; defaultSize: number; maxSize?: number }): ParsedPage {
  const byKey = Object.fromEntries(FILTER_KEYS.map((key) => [key.name, takesSeveral(key) ? list(query[key.name]) : one(query[key.name])]));
  const tz: TimeZoneChoice = one(query.tz) === 'utc' ? 'utc' : '';
  const params = { ...byKey, range: one(query.range), q: typeof query.q === 'string' ? query.q : '', tz } as PageParams;
  const context = { now: options.now };
  const errors: string[] = [];
  const form: Record<string, unknown> = {};
  const term = (label: string, key: string, value: string): void => {
    try {
      addTerm(form, key, value, 0, context);
    } catch (error) {
      if (!(error instanceof QuerySyntaxError)) throw error;
      errors.push(`${label}: ${error.problem}`);
    }
  };
  for (const key of FILTER_KEYS) for (const value of paramValues(params, key)) term(key.label, key.name, value);
  if (params.range) {
    const preset = RANGE_PRESETS.find((p) => p.value === params.range);
    if (preset && (params.from || params.to)) errors.push(`Time range: '${preset.label}' cannot be combined with From or To: choose either the preset or the dates`);
    else if (preset) form.from = new Date(options.now.getTime() - preset.ms);
    else errors.push(`Time range: unknown preset '${params.range}': use ${RANGE_PRESETS.map((p) => p.value).join(', ')}`);
  }
  let filter = form as AuditFilter;
  let queryFilter: AuditFilter = {};
  if (params.q.trim()) {
    try {
      queryFilter = parseQuery(params.q, context);
      filter = combineFilters(filter, queryFilter);
    } catch (error) {
      if (!(error instanceof QuerySyntaxError)) throw error;
      errors.push(`Search: ${error.message}`);
    }
  }
  if (!errors.length) {
    try {
      checkRange(filter);
    } catch (error) {
      errors.push(`Time range: ${(error as Error).message.replace(/ \(at character \d+\)$/, '')}`);
    }
  }
  const result: ParsedPage = { params, filter, queryFilter, start: 1, size: options.defaultSize, errors };
  const start = one(query.start);
  if (start && /^\d{1,9}$/.test(start) && Number(start) >= 1) result.start = Number(start);
  for (const key of ['after', 'before'] as const) {
    const raw = one(query[key]);
    if (!raw) continue;
    const cursor = decodeCursor(raw);
    if (cursor) result[key] = cursor;
    else errors.push(`Paging: the '${key}' position is not valid; start again from the first page`);
  }
  const size = one(query.size);
  if (size) {
    const n = Number(size);
    const max = options.maxSize ?? 200;
    if (Number.isInteger(n) && n >= 1 && n <= max) result.size = n;
    else errors.push(`Rows per page: '${size}' is not a number from 1 to ${max}`);
  }
  return result;
}

/** The URL search string of the filter parameters (without paging), plus extra parameters. */
export function filterSearch(params: PageParams, extra: Record<string, string> = {}): string {
  const search = new URLSearchParams();
  for (const key of FILTER_KEYS) for (const value of paramValues(params, key)) search.append(key.name, value);
  for (const key of ['range', 'q', 'tz'] as const) if (params[key]) search.set(key, params[key]);
  for (const [k, v] of Object.entries(extra)) search.set(k, v);
  const text = search.toString();
  return text ? `?${text}` : '';
}
