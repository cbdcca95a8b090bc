// Listing audit events: one page at a time, newest first, with cursors both ways; one event by id.
import type { Client } from '@opensearch-project/opensearch';
import { linkVerdict, type LinkVerdict } from '../integrity/link-verdict.js';
import { toRow, type AuditRow } from '../model/row.js';
import { INDEX_PATTERN } from '../storage/template.js';
import type { AuditFilter } from './filter-keys.js';
import { buildFilterQuery } from './filter-query.js';
import type { Clause } from './match-rules.js';

export type { AuditFilter };

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

/** Newest first, with the event id as tie-breaker so paging never skips or repeats. */
export const SORT = [{ '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'desc' } }] as const;
/** Oldest first: used to read the page before a cursor, then reversed. */
const SORT_ASC = [{ '@timestamp': { order: 'asc' } }, { 'event.id': { order: 'asc' } }] as const;

const cursorOf = (sort: unknown[] | undefined, row: AuditRow): Cursor =>
  sort ? [Number(sort[0]), String(sort[1])] : [row.time.getTime(), row.id];

/** A hit's stored document (empty when the hit carries none). */
const documentOf = (hit: { _source?: unknown }): Record<string, unknown> =>
  hit._source && typeof hit._source === 'object' ? (hit._source as Record<string, unknown>) : {};

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
  const page = hits.hits.slice(0, size).map((hit) => ({ sort: hit.sort as unknown[] | undefined, row: toRow(documentOf(hit)) }));
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

/**
 * The events after `since` (newer), newest first, at most `size` (1 to 1000), and whether more wait beyond them: what a
 * live tail polls for. No count of matches, and only the events from `since`'s time on are read.
 */
export async function listNewer(client: Client, options: { since: Cursor; filter?: AuditFilter; size: number; index?: string }): Promise<{ rows: AuditRow[]; more: boolean }> {
  const size = Math.min(Math.max(1, Math.trunc(options.size)), 1000);
  const res = await client.search({
    index: options.index ?? INDEX_PATTERN,
    body: {
      query: { bool: { filter: [buildFilterQuery(options.filter), { range: { '@timestamp': { gte: options.since[0], format: 'epoch_millis' } } }] } },
      sort: SORT_ASC,
      search_after: [...options.since],
      size: size + 1,
      track_total_hits: false,
    } as never,
    ignore_unavailable: true,
    allow_no_indices: true,
  });
  const hits = res.body.hits.hits;
  return { rows: hits.slice(0, size).map((hit) => toRow(documentOf(hit))).reverse(), more: hits.length > size };
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

/** The stored document of the first event matching `filter`, or undefined. */
async function firstDocument(client: Client, filter: object[], index: string): Promise<Record<string, unknown> | undefined> {
  const res = await client.search({ index, body: { query: { bool: { filter } }, size: 1 } as never, ignore_unavailable: true, allow_no_indices: true });
  const hit = res.body.hits.hits[0];
  return hit ? documentOf(hit) : undefined;
}

/** One event by its id, or undefined when there is none. */
export async function getEvent(client: Client, id: string, index: string = INDEX_PATTERN): Promise<AuditRow | undefined> {
  const source = await firstDocument(client, [{ term: { 'event.id': id } }], index);
  return source && toRow(source);
}

/** One event by its id with the verdict on its chain link (one more lookup: the event its producer numbered before it). */
export async function getEventWithLink(client: Client, id: string, index: string = INDEX_PATTERN): Promise<{ row: AuditRow; link: LinkVerdict } | undefined> {
  const source = await firstDocument(client, [{ term: { 'event.id': id } }], index);
  if (!source) return undefined;
  const row = toRow(source);
  const { producer, sequence } = row;
  const predecessor = producer !== undefined && sequence !== undefined && sequence > 1
    ? await firstDocument(client, [{ term: { 'audit_trail.producer': producer } }, { term: { 'event.sequence': sequence - 1 } }], index)
    : undefined;
  return { row, link: linkVerdict(source, sequence, predecessor) };
}
