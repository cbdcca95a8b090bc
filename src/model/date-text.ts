// The one conversion of date text to a Date: search terms, URL parameters and stored `@timestamp` values (also epoch milliseconds).

/** A date text this product does not accept; `problem` says why, in words for the person who typed it. */
export class DateTextError extends Error {
  override readonly name = 'DateTextError';
  constructor(readonly problem: string) {
    super(problem);
  }
}

const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(2999, 11, 31);
const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;
const HAS_OFFSET = /Z|[+-]\d{2}:\d{2}$/;

export interface DateTextOptions {
  /** A bare day (`2026-11-24`) means the end of that day (the next midnight, UTC): for exclusive upper bounds. Default false. */
  endOfDay?: boolean;
}

/**
 * Parses `2026-11-24` (UTC midnight) or an ISO date-time to the millisecond (UTC unless it carries an offset),
 * between 1970 and 2999. Throws DateTextError otherwise.
 */
export function parseDateText(value: string, options: DateTextOptions = {}): Date {
  const text = value.trim();
  const dateOnly = DATE_ONLY.test(text);
  if (!dateOnly && !DATE_TIME.test(text)) throw new DateTextError(`'${value}' is not a date: write 2026-11-24 or 2026-11-24T13:45Z`);
  const iso = dateOnly ? `${text}T00:00:00Z` : HAS_OFFSET.test(text) ? text : `${text}Z`;
  const date = new Date(iso);
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (Number.isNaN(date.getTime()) || new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) {
    throw new DateTextError(`'${value}' is not a real date`);
  }
  inRange(date, value);
  return options.endOfDay && dateOnly ? new Date(date.getTime() + DAY_MS) : date;
}

function inRange(date: Date, value: unknown): Date {
  if (date.getTime() < EARLIEST || date.getTime() > LATEST) throw new DateTextError(`'${String(value)}' is out of range (1970 to 2999)`);
  return date;
}

/** Epoch milliseconds as OpenSearch's default date format reads them: digits as text (four digits alone are a year there, not read here). */
const EPOCH_MILLIS = /^(?!\d{4}$)\d{1,15}$/;

/**
 * A stored `@timestamp`: what parseDateText reads, or epoch milliseconds (number or digit text, both valid for
 * OpenSearch), between 1970 and 2999. Throws DateTextError otherwise.
 */
export function parseStoredDate(value: unknown): Date {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return inRange(new Date(value), value);
  if (typeof value !== 'string') throw new DateTextError(`${JSON.stringify(value) ?? String(value)} is not a date`);
  return EPOCH_MILLIS.test(value.trim()) ? inRange(new Date(Number(value.trim())), value) : parseDateText(value);
}
