// Streams the current filter as CSV or NDJSON: no row cap, one batch in memory, formula injection neutralised, hidden characters shown, a trailer saying what it holds.
import type { Response } from 'express';
import { shownText, type AuditRow } from '../model/row.js';
import { FILTER_KEYS, ruleOf, valueOf, type AuditFilter } from '../query/filter-keys.js';
import { formatQuery } from '../query/syntax.js';
import { HIDDEN_CHARACTERS, redactDocument, visibleJson, visibleText } from './view-model.js';

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** CSV columns, in order. */
export const CSV_COLUMNS = [
  'time', 'event_id', 'user_id', 'user_name', 'user_email', 'action', 'resource_type', 'resource_id', 'target',
  'outcome', 'reason', 'source_ip', 'user_agent', 'request_id', 'diff', 'details',
] as const;

/** What a spreadsheet may split a CSV line on, whatever its locale: comma, semicolon, tab and line breaks. */
const SEPARATORS = ',;\t\r\n';
/** The signs a spreadsheet starts a formula with, ASCII and full-width. */
const FORMULA_SIGNS = '=+\\-@\\uFF1D\\uFF0B\\uFF0D\\uFF20';
/** A formula sign at the start of the cell or after any separator, past spaces. */
const FORMULA_START = new RegExp(`(^|[${SEPARATORS}])( *)([${FORMULA_SIGNS}])`, 'g');
/** A cell written as it is: no hidden character, quote or separator in it, and no formula sign first (most ids and times). */
const PLAIN_CELL = new RegExp(`^(?! *[${FORMULA_SIGNS}])[^"${SEPARATORS}${HIDDEN_CHARACTERS.source.slice(1, -1)}]*$`);

/**
 * A `'` before every formula sign that starts the cell or follows a separator (a spreadsheet splitting on `;` or tab
 * would start a cell there), and before a leading tab or carriage return, so no spreadsheet ever runs a cell.
 */
export function neutraliseFormula(cell: string): string {
  const signs = cell.replace(FORMULA_START, "$1$2'$3");
  return /^[\t\r]/.test(signs) ? `'${signs}` : signs;
}

/** A cell holding a quote or any separator is quoted (the pattern built once, not for every cell). */
const NEEDS_QUOTES = new RegExp(`["${SEPARATORS}]`);

/** One CSV cell: hidden characters shown, formulas neutralised, then quoted when it holds a quote or any separator (RFC 4180). */
export function csvCell(value: string): string {
  if (PLAIN_CELL.test(value)) return value;
  const cell = neutraliseFormula(visibleText(value));
  return NEEDS_QUOTES.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

function csvRecord(row: AuditRow): string {
  const doc = redactDocument(row.document);
  const trail = (doc.audit_trail ?? {}) as Record<string, unknown>;
  const json = (v: unknown): string => (v === undefined ? '' : visibleJson(v));
  const cells = [
    row.time.toISOString(), row.id, row.actor.id, row.actor.name ?? '', row.actor.email ?? '', shownText(row, 'action'), shownText(row, 'resourceType'),
    row.resource.id, row.resource.target ?? '', shownText(row, 'outcome'), row.reason ?? '', row.source.ip ?? '', row.source.userAgent ?? '',
    row.source.requestId ?? '', json(trail.diff), json(trail.details),
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

const MAX_SLUG = 200;
const slugOf = (query: string): string =>
  query.replace(/:/g, '-').replace(/[^A-Za-z0-9._@-]+/g, '_').replace(/_+/g, '_').replace(/-_/g, '-').replace(/^_|_$/g, '');

/** The filter in a file name; when too long, each key keeps its name and its values share what room is left alike. */
function filterSlug(filter: AuditFilter): string {
  const whole = slugOf(formatQuery(filter));
  if (whole.length <= MAX_SLUG) return whole || 'all';
  const parts = FILTER_KEYS.flatMap((key) => {
    const value = valueOf(filter, key);
    const values = value === undefined ? '' : slugOf(ruleOf(key).format(value).join(' '));
    return values ? [{ head: `${key.name}-`, values }] : [];
  });
  const room = MAX_SLUG - parts.reduce((n, p) => n + p.head.length + 1, -1);
  const share = Math.max(0, Math.floor(room / parts.length));
  return parts.map((p) => `${p.head}${p.values.slice(0, share)}`.replace(/[-_]+$/, '')).join('_');
}

/** `audit-trail_action-create_user-alice_20261124T101530Z.csv` */
export function exportFileName(filter: AuditFilter, format: ExportFormat, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `audit-trail_${filterSlug(filter)}_${stamp}.${format}`;
}

/** What the file says about itself: the filter in the search syntax (absolute times) and when it was taken. */
export interface ExportMeta {
  filter: string;
  takenAt: Date;
}

/**
 * The lines after the last row: CSV one-cell rows starting with `#` (spreadsheets show them as the last rows; most
 * CSV readers skip them as comments), NDJSON one last object under `audit_trail_export`. A file cut short has none.
 */
export function exportTrailer(format: ExportFormat, meta: ExportMeta, rows: number): string {
  const taken = meta.takenAt.toISOString();
  if (format === 'ndjson') return `${JSON.stringify({ audit_trail_export: { filter: meta.filter, taken_at: taken, rows } })}\n`;
  return [`# filter: ${meta.filter || '(none: every event)'}`, `# taken at: ${taken}`, `# rows: ${rows}`].map((line) => `${csvCell(line)}\r\n`).join('');
}

/**
 * Writes the rows to the response as they come, honouring back-pressure, and stops when the client goes away.
 * The first row is awaited before headers are sent, so a storage failure can still become an error page.
 * The number of rows written is left in `res.locals.exportedRows` (for the auditor-action report).
 */
export async function streamExport(res: Response, rows: AsyncGenerator<AuditRow>, format: ExportFormat, fileName: string, meta: ExportMeta): Promise<number> {
  const first = await rows.next();
  res.status(200);
  res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  res.setHeader('Cache-Control', 'no-store');
  const encode = format === 'csv' ? csvRecord : (row: AuditRow) => `${visibleJson(redactDocument(row.document))}\n`;
  let chunk = format === 'csv' ? `${CSV_COLUMNS.join(',')}\r\n` : '';
  let count = 0;
  let closed = false;
  res.on('close', () => (closed = true));
  const flush = async (): Promise<void> => {
    if (chunk && !res.write(chunk) && !closed) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
    chunk = '';
  };
  try {
    if (!first.done) {
      chunk += encode(first.value);
      count++;
      for await (const row of rows) {
        if (closed) break;
        chunk += encode(row);
        if (++count % 500 === 0) await flush();
      }
    }
    if (!closed) chunk += exportTrailer(format, meta, count);
    res.locals.exportedRows = count;
    await flush();
    res.end();
  } catch (error) {
    res.locals.exportedRows = count;
    // Headers are gone: cut the download so it cannot pass for complete.
    res.destroy(error as Error);
  } finally {
    await rows.return(undefined);
  }
  return count;
}
