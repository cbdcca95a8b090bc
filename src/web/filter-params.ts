// The page's URL parameters ↔ the query module's filter, through the one query-syntax parser.
import type { AuditFilter, Cursor } from '../query/list.js';
import { decodeCursor } from '../query/list.js';
import { QuerySyntaxError, addTerm, checkRange, combineFilters, parseQuery } from '../query/syntax.js';

/** Time-range presets offered beside from/to. */
export const RANGE_PRESETS = [
  { value: '1h', label: 'Last hour', ms: 3600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 24 * 3600_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 24 * 3600_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 24 * 3600_000 },
] as const;

/** The filter parameters of the page, as found in the URL. */
export interface PageParams {
  action: string[];
  resource_type: string[];
  outcome: string[];
  target: string;
  user: string;
  from: string;
  to: string;
  range: string;
  q: string;
}

export interface ParsedPage {
  params: PageParams;
  filter: AuditFilter;
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
  const params: PageParams = {
    action: list(query.action),
    resource_type: list(query.resource_type),
    outcome: list(query.outcome),
    target: one(query.target),
    user: one(query.user),
    from: one(query.from),
    to: one(query.to),
    range: one(query.range),
    q: typeof query.q === 'string' ? query.q : '',
  };
  const errors: string[] = [];
  const form: Record<string, unknown> = {};
  const term = (label: string, key: string, value: string): void => {
    try {
      addTerm(form as never, key, value);
    } catch (error) {
      if (!(error instanceof QuerySyntaxError)) throw error;
      errors.push(`${label}: ${error.problem}`);
    }
  };
  for (const v of params.action) term('Action', 'action', v);
  for (const v of params.resource_type) term('Resource type', 'resource_type', v);
  for (const v of params.outcome) term('Outcome', 'outcome', v);
  if (params.target) term('Target', 'target', params.target);
  if (params.user) term('User', 'user', params.user);
  if (params.from) term('From', 'from', params.from);
  if (params.to) term('To', 'to', params.to);
  if (params.range) {
    const preset = RANGE_PRESETS.find((p) => p.value === params.range);
    if (preset) form.from = new Date(options.now.getTime() - preset.ms);
    else errors.push(`Time range: unknown preset '${params.range}': use ${RANGE_PRESETS.map((p) => p.value).join(', ')}`);
  }
  let filter = form as AuditFilter;
  if (params.q.trim()) {
    try {
      filter = combineFilters(filter, parseQuery(params.q));
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
  const result: ParsedPage = { params, filter, size: options.defaultSize, errors };
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
  for (const key of ['action', 'resource_type', 'outcome'] as const) for (const v of params[key]) search.append(key, v);
  for (const key of ['target', 'user', 'from', 'to', 'range', 'q'] as const) if (params[key]) search.set(key, params[key]);
  for (const [k, v] of Object.entries(extra)) search.set(k, v);
  const text = search.toString();
  return text ? `?${text}` : '';
}
