// Turns query rows into what the templates show: times local + exact UTC, readable diffs, secrets hidden.
import { shownText, type AuditRow } from '../model/row.js';

export interface DiffLine {
  field: string;
  secret: boolean;
  old: string;
  new: string;
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
  json: string;
}

const show = (value: unknown): string => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

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
    entry?.secret === true ? { field, secret: true, old: '', new: '' } : { field, secret: false, old: show(entry?.old), new: show(entry?.new) },
  );
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
/** One formatter per zone: building one costs far more than formatting with it. */
function timeFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  let format = timeFormats.get(timeZone ?? '');
  if (!format) timeFormats.set(timeZone ?? '', (format = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium', ...(timeZone ? { timeZone } : {}) })));
  return format;
}

/** One row for the templates (everything escaped by Handlebars when rendered). */
export function rowView(row: AuditRow, timeZone?: string): RowView {
  const local = timeFormat(timeZone).format(row.time);
  return {
    id: row.id,
    iso: row.time.toISOString(),
    utc: exactUtc(row.time),
    local,
    user: row.actor.name ?? row.actor.id,
    userTitle: [row.actor.id, row.actor.email].filter(Boolean).join(' · '),
    action: shownText(row, 'action'),
    resourceType: shownText(row, 'resourceType'),
    resourceId: row.resource.id,
    target: row.resource.target ?? '',
    outcome: shownText(row, 'outcome'),
    failed: row.outcome === 'failure',
    reason: row.reason ?? '',
    ip: row.source.ip ?? '',
    diff: diffLines(row),
    json: JSON.stringify(redactDocument(row.document), null, 2),
  };
}
