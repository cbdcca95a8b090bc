// What the Manage > Audit list page shows: form, rows with their filter links, histogram, "1–50 of N", paging and export links.
import type { AuditRow } from '../model/row.js';
import { encodeCursor, type Cursor, type ListResult } from '../query/list.js';
import type { Histogram } from '../query/histogram.js';
import { formatQuery } from '../query/syntax.js';
import { filterSearch, type ParsedPage } from './filter-params.js';
import { filterControls } from './filter-form.js';
import { histogramView } from './histogram-view.js';
import { rowLinkMaker } from './row-links.js';
import { rowView } from './view-model.js';

export interface PageViewOptions {
  pageSize: number;
  /** The zone times are shown in without JavaScript (default: the server's). */
  timeZone?: string;
  csrf: string;
}

const NUMBER = new Intl.NumberFormat('en');

/** `1–50` of the matches, and the total (`3,036`, or `10,000+` when it is a lower bound). */
export function countText(start: number, shown: number, total: ListResult['total']): { shown: string; total: string } {
  const n = (x: number): string => NUMBER.format(x);
  return { shown: shown ? `${n(start)}–${n(start + shown - 1)}` : '0', total: `${n(total.value)}${total.relation === 'gte' ? '+' : ''}` };
}

/** The zone the page shows times in, by name. */
export const zoneName = (timeZone: string | undefined): string => timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';

export function pageView(parsed: ParsedPage, result: ListResult | undefined, histogram: Histogram | undefined, options: PageViewOptions) {
  const { params } = parsed;
  const utc = params.tz === 'utc';
  const timeZone = utc ? 'UTC' : options.timeZone;
  const sized: Record<string, string> = parsed.size !== options.pageSize ? { size: String(parsed.size) } : {};
  const startAt = (start: number): Record<string, string> => (start > 1 ? { start: String(start) } : {});
  const here: Record<string, string> = parsed.after ? { after: encodeCursor(parsed.after) } : parsed.before ? { before: encodeCursor(parsed.before) } : {};
  const page = (cursor: 'after' | 'before', at: Cursor, start: number) =>
    `/manage/audit${filterSearch(params, { [cursor]: encodeCursor(at), ...startAt(start), ...sized })}`;
  const rows = result?.rows ?? [];
  const controls = filterControls(params);
  const links = rowLinkMaker(params, parsed.queryFilter);
  // The export pins the filter as it stands now: relative times and presets resolved to absolute times.
  const pinned = formatQuery(parsed.filter);
  const exportSearch = pinned ? `?${new URLSearchParams({ q: pinned }).toString()}` : '';
  return {
    title: 'Manage > Audit',
    csrf: options.csrf,
    params,
    errors: parsed.errors,
    mainControls: controls.filter((c) => !c.secondary),
    moreControls: controls.filter((c) => c.secondary),
    moreOpen: controls.some((c) => c.secondary && c.active),
    rows: rows.map((row: AuditRow) => ({ ...rowView(row, timeZone), links: links(row) })),
    count: result ? countText(parsed.start, rows.length, result.total) : undefined,
    total: result ? countText(parsed.start, rows.length, result.total).total : '',
    searched: !!result,
    took: result?.took,
    histogram: histogramView(histogram, params),
    zone: utc ? 'UTC' : zoneName(options.timeZone),
    utc,
    zoneSwitch: `/manage/audit${filterSearch({ ...params, tz: utc ? '' : 'utc' }, { ...here, ...startAt(parsed.start), ...sized })}`,
    newer: result?.prev ? page('before', result.prev, Math.max(1, parsed.start - parsed.size)) : undefined,
    older: result?.next ? page('after', result.next, parsed.start + rows.length) : undefined,
    first: parsed.after || parsed.before ? `/manage/audit${filterSearch(params, sized)}` : undefined,
    exportCsv: `/manage/audit/export.csv${exportSearch}`,
    exportNdjson: `/manage/audit/export.ndjson${exportSearch}`,
    query: pinned,
  };
}
