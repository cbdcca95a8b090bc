// The histogram as plain SVG bars (no JavaScript): each bar with events links to the page narrowed to its time range.
import type { Histogram } from '../query/histogram.js';
import { filterSearch, type PageParams } from './filter-params.js';

const NUMBER = new Intl.NumberFormat('en');
const BAR_STEP = 10;
const BAR_WIDTH = 8;
export const HISTOGRAM_HEIGHT = 60;

export interface BarView {
  x: number;
  y: number;
  width: number;
  height: number;
  count: number;
  /** The page narrowed to the bar's range; absent for an empty bar. */
  href?: string;
  /** `12 events, 2026-11-24 10:00 – 11:00 UTC` */
  label: string;
}

export interface HistogramView {
  bars: BarView[];
  width: number;
  height: number;
  interval: string;
  from: string;
  to: string;
  max: string;
  /** Said when counting stopped at its time budget: `Partial: counting stopped after 300 ms; …`. */
  partial?: string;
}

/** `2026-11-24 10:00 UTC` (seconds shown only when the time has some). */
const when = (time: Date): string => `${time.toISOString().replace('T', ' ').replace(/(:00)?\.\d{3}Z$/, '')} UTC`;

/** The page's URL with From and To set to these texts, the preset dropped, paging reset. */
const narrowedTo = (params: PageParams, from: string, to: string): string => `/manage/audit${filterSearch({ ...params, from, to, range: '' })}`;

/**
 * Links narrowing the page to a bar's range [start, end), the rest of the URL worked out once for all the bars: two
 * marks stand where the times go (when a filter value holds a mark itself, each link is built whole instead).
 */
function narrowing(params: PageParams): (start: Date, end: Date) => string {
  const parts = narrowedTo(params, '\u0001', '\u0002').split(/%01|%02/);
  if (parts.length !== 3) return (start, end) => narrowedTo(params, start.toISOString(), end.toISOString());
  const [head, middle, tail] = parts as [string, string, string];
  return (start, end) => `${head}${encodeURIComponent(start.toISOString())}${middle}${encodeURIComponent(end.toISOString())}${tail}`;
}

export function histogramView(histogram: Histogram | undefined, params: PageParams): HistogramView | undefined {
  if (!histogram?.buckets.length) return undefined;
  const max = Math.max(1, ...histogram.buckets.map((b) => b.count));
  const room = HISTOGRAM_HEIGHT - 2;
  const linkTo = narrowing(params);
  const bars = histogram.buckets.map((bucket, i): BarView => {
    const height = bucket.count ? Math.max(1, Math.round((bucket.count / max) * room)) : 0.5;
    const label = `${NUMBER.format(bucket.count)} event${bucket.count === 1 ? '' : 's'}, ${when(bucket.start)} – ${when(bucket.end)}`;
    return {
      x: i * BAR_STEP + (BAR_STEP - BAR_WIDTH) / 2,
      y: HISTOGRAM_HEIGHT - height,
      width: BAR_WIDTH,
      height,
      count: bucket.count,
      label,
      ...(bucket.count ? { href: linkTo(bucket.start, bucket.end) } : {}),
    };
  });
  return {
    bars,
    width: bars.length * BAR_STEP,
    height: HISTOGRAM_HEIGHT,
    interval: histogram.interval,
    from: when(histogram.from),
    to: when(histogram.to),
    max: NUMBER.format(max),
    ...(histogram.partial ? { partial: `Partial: counting stopped after ${NUMBER.format(histogram.budgetMs)} ms, so the bars show only part of the matching events (the list below is complete).` } : {}),
  };
}
