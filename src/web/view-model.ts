// Turns query rows into what the templates show: times local + exact UTC, readable diffs, secrets hidden, hidden characters shown.
import { shownText, type AuditRow } from '../model/row.js';

export interface DiffLine {
  field: string;
  secret: boolean;
  old: string;
  new: string;
}

/** A labelled value of a row's details in the list (request id, user agent, …). */
export interface FactView {
  label: string;
  value: string;
}

export interface RowView {
  id: string;
  iso: string;
  utc: string;
  local: string;
  user: string;
  userTitle: string;
  action: string;
  resourceType: string;
  resourceId: string;
  target: string;
  outcome: string;
  failed: boolean;
  reason: string;
  ip: string;
  diff: DiffLine[];
  /** What the list shows under the diff: the row's ids, user agent and the app's details, each only when present. */
  facts: FactView[];
}

/** One event on its own page: the row and the whole stored document as JSON. */
export interface EventView extends RowView {
  json: string;
}

/**
 * Characters that change how a line reads without being seen: C0 controls but tab and line breaks (which HTML shows as
 * spaces and CSV quotes), DEL and C1 controls, the Arabic letter mark, zero-width characters, directional marks,
 * embeddings, overrides and isolates, line and paragraph separators, invisible operators and the byte order mark.
 */
export const HIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF]/g;

const codePoint = (char: string): string => char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');

/** The text with each hidden or bidirectional character written as its code point, `<U+202E>`, so it shows and cannot reorder the line. */
export function visibleText(text: string): string {
  return text.replace(HIDDEN_CHARACTERS, (char) => `<U+${codePoint(char)}>`);
}

/** JSON text with the same characters as `\u202e` escapes: the value is unchanged for a parser, and the line cannot be reordered. */
export function visibleJson(value: unknown, indent?: number): string {
  return (JSON.stringify(value, null, indent) ?? '').replace(HIDDEN_CHARACTERS, (char) => `\\u${codePoint(char).toLowerCase()}`);
}

const show = (value: unknown): string => visibleText(value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/** `2026-11-24 10:15:30.123 UTC` */
export function exactUtc(time: Date): string {
  return `${time.toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

/** The stored document with the values of secret diff fields replaced by `"changed"`. */
export function redactDocument(document: Record<string, unknown>): Record<string, unknown> {
  const trail = document.audit_trail as Record<string, unknown> | undefined;
  const diff = trail?.diff as Record<string, { secret?: boolean }> | undefined;
  if (!diff || !Object.values(diff).some((d) => d?.secret === true)) return document;
  const redacted: Record<string, unknown> = {};
  for (const [field, entry] of Object.entries(diff)) redacted[field] = entry?.secret === true ? { secret: true, changed: true } : entry;
  return { ...document, audit_trail: { ...trail, diff: redacted } };
}

/** The diff as field | old | new lines; secret fields never carry their values. */
export function diffLines(row: AuditRow): DiffLine[] {
  return Object.entries(row.diff ?? {}).map(([field, entry]) =>
    entry?.secret === true ? { field: visibleText(field), secret: true, old: '', new: '' } : { field: visibleText(field), secret: false, old: show(entry?.old), new: show(entry?.new) },
  );
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
/** One formatter per zone: building one costs far more than formatting with it. */
function timeFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  let format = timeFormats.get(timeZone ?? '');
  if (!format) timeFormats.set(timeZone ?? '', (format = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', ...(timeZone ? { timeZone } : {}) })));
  return format;
}

/** Time fields of a row: local and exact UTC, or the stored text when the `@timestamp` could not be read. */
function timeView(row: AuditRow, timeZone?: string): Pick<RowView, 'iso' | 'utc' | 'local'> {
  const stored = row.unreadable?.time;
  if (stored !== undefined) return { iso: '', utc: 'The stored @timestamp is not a date this version reads', local: `unreadable: ${visibleText(stored)}` };
  const local = timeFormat(timeZone).format(row.time);
  return { iso: row.time.toISOString(), utc: exactUtc(row.time), local };
}

/** A stored ISO time for the time partial (local in `timeZone`, exact UTC on hover); text that is no date is shown as it is. */
export function timeText(iso: string, timeZone?: string): { iso: string; utc: string; local: string } {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return { iso: '', utc: '', local: visibleText(iso) };
  return { iso: time.toISOString(), utc: exactUtc(time), local: timeFormat(timeZone).format(time) };
}

/** The row's details beside its diff, in this order; empty values are left out. */
function factsOf(row: AuditRow): FactView[] {
  const facts: [string, string | undefined][] = [
    ['Resource id', row.resource.id],
    ['Request id', row.source.requestId],
    ['User agent', row.source.userAgent],
    ['Roles', row.actor.roles.join(', ')],
    ['Details', row.details === undefined ? undefined : visibleJson(row.details)],
  ];
  return facts.filter((fact): fact is [string, string] => !!fact[1]).map(([label, value]) => ({ label, value: visibleText(value) }));
}

/**
 * One row of the list for the templates: every stored text through visibleText (and escaped by Handlebars when
 * rendered). The whole document is not part of it: the event's own page shows it ({@link eventView}).
 */
export function rowView(row: AuditRow, timeZone?: string): RowView {
  return {
    id: visibleText(row.id),
    ...timeView(row, timeZone),
    user: visibleText(row.actor.name ?? row.actor.id),
    userTitle: visibleText([row.actor.id, row.actor.email].filter(Boolean).join(' · ')),
    action: visibleText(shownText(row, 'action')),
    resourceType: visibleText(shownText(row, 'resourceType')),
    resourceId: visibleText(row.resource.id),
    target: visibleText(row.resource.target ?? ''),
    outcome: visibleText(shownText(row, 'outcome')),
    failed: row.outcome === 'failure',
    reason: visibleText(row.reason ?? ''),
    ip: visibleText(row.source.ip ?? ''),
    diff: diffLines(row),
    facts: factsOf(row),
  };
}

/** One event for its own page: the row and the stored document as indented JSON, secret values replaced. */
export function eventView(row: AuditRow, timeZone?: string): EventView {
  return { ...rowView(row, timeZone), json: visibleJson(redactDocument(row.document), 2) };
}
