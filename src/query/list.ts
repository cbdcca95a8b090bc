// The query module: the only way to read audit events; filters become term/range clauses, rows are typed.
import type { Client } from '@opensearch-project/opensearch';
import type { DiffEntry } from '../model/event.js';
import type { Action, Outcome, ResourceType } from '../model/vocabulary.js';
import { INDEX_PATTERN } from '../storage/template.js';

/** What to narrow the listing to. Several values of one key mean OR; keys combine with AND. */
export interface AuditFilter {
  actions?: readonly Action[];
  resourceTypes?: readonly ResourceType[];
  outcomes?: readonly Outcome[];
  /** Resource targets (friendly names), exact and case-insensitive. */
  targets?: readonly string[];
  /** Who acted: matches user id, name or e-mail, exact and case-insensitive. */
  users?: readonly string[];
  /** Inclusive lower bound on the event time. */
  from?: Date;
  /** Exclusive upper bound on the event time. */
  to?: Date;
}

/** One audit event as the view shows it. */
export interface AuditRow {
  id: string;
  time: Date;
  action: string;
  outcome: string;
  reason?: string;
  actor: { id: string; name?: string; email?: string; roles: string[]; type: string };
  resource: { type: string; id: string; target?: string };
  source: { ip?: string; userAgent?: string; requestId?: string };
  diff?: Record<string, DiffEntry>;
  details?: Record<string, unknown>;
  sequence?: number;
  producer?: string;
  /** The stored document, whole. */
  document: Record<string, unknown>;
}

/** Opaque position after the last row of a page (sort values of `@timestamp` and `event.id`). */
export type Cursor = readonly [number, string];

export interface ListOptions {
  filter?: AuditFilter;
  /** Rows per page. Default 50, at most 1000. */
  size?: number;
  /** Continue after this row (older events). */
  after?: Cursor;
  /** Page just before this row (newer events); queried ascending, then reversed. Ignored when `after` is set. */
  before?: Cursor;
  /** Index or pattern to read. Default: every audit data stream. */
  index?: string;
}

export interface ListResult {
  rows: AuditRow[];
  /** Matching events; `relation: 'gte'` means "at least" (10,000+). */
  total: { value: number; relation: 'eq' | 'gte' };
  /** Cursor for the next (older) page, when there may be one. */
  next?: Cursor;
  /** Cursor for the previous (newer) page, when there may be one. */
  prev?: Cursor;
  /** OpenSearch's own `took`, in ms. */
  took: number;
}

type Clause = Record<string, unknown>;

const terms = (field: string, values: readonly string[], caseInsensitive = false): Clause =>
  caseInsensitive
    ? { bool: { should: values.map((value) => ({ term: { [field]: { value, case_insensitive: true } } })), minimum_should_match: 1 } }
    : { terms: { [field]: [...values] } };

/** Builds the bool query of a filter: only term, terms and range clauses, never a query string. */
export function buildFilterQuery(filter: AuditFilter = {}): Clause {
  const must: Clause[] = [];
  if (filter.actions?.length) must.push(terms('event.action', filter.actions));
  if (filter.resourceTypes?.length) must.push(terms('audit_trail.resource.type', filter.resourceTypes));
  if (filter.outcomes?.length) must.push(terms('event.outcome', filter.outcomes));
  if (filter.targets?.length) must.push(terms('audit_trail.resource.target', filter.targets, true));
  if (filter.users?.length) {
    const should = filter.users.flatMap((value) =>
      ['user.id', 'user.name', 'user.email'].map((field) => ({ term: { [field]: { value, case_insensitive: true } } })),
    );
    must.push({ bool: { should, minimum_should_match: 1 } });
  }
  if (filter.from || filter.to) {
    const range: Record<string, string> = { format: 'strict_date_optional_time' };
    if (filter.from) range.gte = filter.from.toISOString();
    if (filter.to) range.lt = filter.to.toISOString();
    must.push({ range: { '@timestamp': range } });
  }
  return must.length ? { bool: { filter: must } } : { match_all: {} };
}

/** Newest first, with the event id as tie-breaker so paging never skips or repeats. */
export const SORT = [{ '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'desc' } }] as const;
/** Oldest first: used to read the page before a cursor, then reversed. */
const SORT_ASC = [{ '@timestamp': { order: 'asc' } }, { 'event.id': { order: 'asc' } }] as const;

const cursorOf = (sort: unknown[] | undefined, row: AuditRow): Cursor =>
  sort ? [Number(sort[0]), String(sort[1])] : [row.time.getTime(), row.id];

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
function obj(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Turns a stored document into a typed row. */
export function toRow(source: Record<string, unknown>): AuditRow {
  const event = obj(source.event);
  const user = obj(source.user);
  const trail = obj(source.audit_trail);
  const resource = obj(trail.resource);
  const row: AuditRow = {
    id: str(event.id) ?? '',
    time: new Date(str(source['@timestamp']) ?? 0),
    action: str(event.action) ?? '',
    outcome: str(event.outcome) ?? 'unknown',
    actor: {
      id: str(user.id) ?? '',
      roles: Array.isArray(user.roles) ? user.roles.filter((r): r is string => typeof r === 'string') : [],
      type: str(obj(trail.actor).type) ?? 'user',
    },
    resource: { type: str(resource.type) ?? '', id: str(resource.id) ?? '' },
    source: {},
    document: source,
  };
  const optional: [object, string, unknown][] = [
    [row, 'reason', str(event.reason)],
    [row.actor, 'name', str(user.name)],
    [row.actor, 'email', str(user.email)],
    [row.resource, 'target', str(resource.target)],
    [row.source, 'ip', str(obj(source.client).ip) ?? str(obj(source.source).ip)],
    [row.source, 'userAgent', str(obj(source.user_agent).original)],
    [row.source, 'requestId', str(obj(obj(source.http).request).id)],
    [row, 'diff', trail.diff === undefined ? undefined : obj(trail.diff)],
    [row, 'details', trail.details === undefined ? undefined : obj(trail.details)],
    [row, 'sequence', typeof event.sequence === 'number' ? event.sequence : undefined],
    [row, 'producer', str(trail.producer)],
  ];
  for (const [target, key, value] of optional) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return row;
}

/** Lists audit events newest first, one page at a time (older with `after`, newer with `before`). */
export async function listEvents(client: Client, options: ListOptions = {}): Promise<ListResult> {
  const size = Math.min(Math.max(1, Math.trunc(options.size ?? 50)), 1000);
  const backwards = !options.after && !!options.before;
  const body: Clause = {
    query: buildFilterQuery(options.filter),
    sort: backwards ? SORT_ASC : SORT,
    // One extra row tells whether a further page exists in the direction of travel.
    size: size + 1,
    track_total_hits: 10_000,
  };
  const from = options.after ?? options.before;
  if (from) body.search_after = [...from];
  const res = await client.search({
    index: options.index ?? INDEX_PATTERN,
    body: body as never,
    ignore_unavailable: true,
    allow_no_indices: true,
  });
  const hits = res.body.hits;
  const total = typeof hits.total === 'number' ? { value: hits.total, relation: 'eq' as const } : hits.total;
  const more = hits.hits.length > size;
  const page = hits.hits.slice(0, size).map((hit) => ({ sort: hit.sort as unknown[] | undefined, row: toRow(obj(hit._source)) }));
  if (backwards) page.reverse();
  const result: ListResult = {
    rows: page.map((p) => p.row),
    total: { value: total?.value ?? 0, relation: total?.relation === 'gte' ? 'gte' : 'eq' },
    took: res.body.took,
  };
  const first = page[0];
  const last = page[page.length - 1];
  // Older rows exist after the last one when reading forwards found more, or always when we came backwards from a cursor.
  if (last && (backwards || more)) result.next = cursorOf(last.sort, last.row);
  // Newer rows exist before the first one when we came from a cursor, or when reading backwards found more.
  if (first && (backwards ? more : !!options.after)) result.prev = cursorOf(first.sort, first.row);
  return result;
}

/** Encodes a cursor for a URL (`<millis>_<event id>`). */
export function encodeCursor(cursor: Cursor): string {
  return `${cursor[0]}_${encodeURIComponent(cursor[1])}`;
}

/** Decodes a URL cursor; undefined when it is not one this module made. */
export function decodeCursor(text: string): Cursor | undefined {
  const match = /^(-?\d{1,16})_([A-Za-z0-9%._-]{1,200})$/.exec(text);
  if (!match) return undefined;
  const millis = Number(match[1]);
  let id: string;
  try {
    id = decodeURIComponent(match[2]!);
  } catch {
    return undefined;
  }
  return Number.isSafeInteger(millis) ? [millis, id] : undefined;
}

/** One event by its id, or undefined when there is none. */
export async function getEvent(client: Client, id: string, index: string = INDEX_PATTERN): Promise<AuditRow | undefined> {
  const res = await client.search({
    index,
    body: { query: { bool: { filter: [{ term: { 'event.id': id } }] } }, size: 1 } as never,
    ignore_unavailable: true,
    allow_no_indices: true,
  });
  const hit = res.body.hits.hits[0];
  return hit ? toRow(obj(hit._source)) : undefined;
}
