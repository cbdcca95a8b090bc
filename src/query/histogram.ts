// Events over time for a filter: a date_histogram over the filter's range (or the oldest event to now), in nice steps.
import type { Client } from '@opensearch-project/opensearch';
import { INDEX_PATTERN } from '../storage/template.js';
import type { AuditFilter } from './filter-keys.js';
import { buildFilterQuery } from './filter-query.js';
import { ConfigurationError } from '../model/errors.js';

export interface HistogramBucket {
  /** Start of the bucket, inclusive (never before the range). */
  start: Date;
  /** End of the bucket, exclusive (never after the range). */
  end: Date;
  count: number;
}

export interface Histogram {
  buckets: HistogramBucket[];
  /** Bucket width, as OpenSearch writes it (`1h`, `1d`). */
  interval: string;
  from: Date;
  to: Date;
  /** True when counting stopped at the time budget: the bars hold only the events counted until then. */
  partial: boolean;
  /** The budget counting had, in ms. */
  budgetMs: number;
  /** OpenSearch's own `took` of the count, in ms. */
  took: number;
}

export interface HistogramOptions {
  filter?: AuditFilter;
  /** End of the range when the filter sets no `to`: the page's own now. */
  now: Date;
  /** Index or pattern to read. Default: every audit data stream. */
  index?: string;
  /** At most this many buckets. Default 60. */
  maxBuckets?: number;
  /** Time budget of the count in ms (OpenSearch's search `timeout`): past it the bars are partial. Default {@link DEFAULT_HISTOGRAM_BUDGET_MS}. */
  budgetMs?: number;
}

/** How long the histogram may count before it is drawn partial, in ms. */
export const DEFAULT_HISTOGRAM_BUDGET_MS = 300;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Bucket widths to choose from, narrowest first. */
const STEPS: [string, number][] = [
  ['1m', MINUTE], ['5m', 5 * MINUTE], ['10m', 10 * MINUTE], ['30m', 30 * MINUTE], ['1h', HOUR], ['3h', 3 * HOUR], ['6h', 6 * HOUR],
  ['12h', 12 * HOUR], ['1d', DAY], ['7d', 7 * DAY], ['30d', 30 * DAY], ['90d', 90 * DAY], ['365d', 365 * DAY],
];

/** The narrowest step giving at most `maxBuckets` buckets over the span. */
export function stepFor(spanMs: number, maxBuckets: number): [string, number] {
  return STEPS.find(([, ms]) => spanMs / ms <= maxBuckets) ?? STEPS[STEPS.length - 1]!;
}

const searchOptions = (index: string | undefined) => ({ index: index ?? INDEX_PATTERN, ignore_unavailable: true, allow_no_indices: true });

/** How long the oldest event's time is reused, in ms: it moves only when retention deletes events. */
export const OLDEST_REUSE_MS = 60_000;
const oldestSeen = new Map<string, { time: Date; until: number }>();

/**
 * The oldest event's time in the index (any filter), or undefined when it holds none. A found time is reused for
 * {@link OLDEST_REUSE_MS}, sparing most pages a round trip before their histogram (at worst the first bars are empty).
 */
async function oldest(client: Client, index: string | undefined): Promise<Date | undefined> {
  const key = index ?? INDEX_PATTERN;
  const seen = oldestSeen.get(key);
  if (seen && Date.now() < seen.until) return seen.time;
  const res = await client.search({ ...searchOptions(index), body: { size: 0, track_total_hits: false, aggs: { oldest: { min: { field: '@timestamp' } } } } as never });
  const value = (res.body as { aggregations?: { oldest?: { value?: number | null } } }).aggregations?.oldest?.value;
  if (typeof value !== 'number') return undefined;
  oldestSeen.set(key, { time: new Date(value), until: Date.now() + OLDEST_REUSE_MS });
  return new Date(value);
}

/**
 * Counts the filter's events per time step between its `from` (or the oldest event) and its `to` (or `now`).
 * Undefined when there is no range to draw (no events, or an empty range).
 */
export async function eventHistogram(client: Client, options: HistogramOptions): Promise<Histogram | undefined> {
  const budgetMs = options.budgetMs ?? DEFAULT_HISTOGRAM_BUDGET_MS;
  if (!(Number.isInteger(budgetMs) && budgetMs > 0)) throw new ConfigurationError('budgetMs', `must be a positive whole number of milliseconds, not ${budgetMs}`);
  const from = options.filter?.from ?? (await oldest(client, options.index));
  const to = options.filter?.to ?? options.now;
  if (!from || from.getTime() >= to.getTime()) return undefined;
  const [interval, stepMs] = stepFor(to.getTime() - from.getTime(), options.maxBuckets ?? 60);
  const bounds = { min: from.getTime(), max: to.getTime() - 1 };
  const res = await client.search({
    ...searchOptions(options.index),
    body: {
      query: buildFilterQuery(options.filter),
      size: 0,
      timeout: `${budgetMs}ms`,
      track_total_hits: false,
      aggs: { over_time: { date_histogram: { field: '@timestamp', fixed_interval: interval, min_doc_count: 0, extended_bounds: bounds, hard_bounds: bounds } } },
    } as never,
  });
  const raw = (res.body as { aggregations?: { over_time?: { buckets?: { key: number; doc_count: number }[] } } }).aggregations?.over_time?.buckets ?? [];
  const buckets = raw.map((b) => ({
    start: new Date(Math.max(b.key, from.getTime())),
    end: new Date(Math.min(b.key + stepMs, to.getTime())),
    count: b.doc_count,
  }));
  const { timed_out: timedOut, took } = res.body as { timed_out?: boolean; took: number };
  return { buckets, interval, from, to, partial: timedOut === true, budgetMs, took };
}
