// Time bounds: a date, a date-time, or a time relative to the page's own "now" (`now-7d`), resolved when read.
import { DateTextError, parseDateText } from '../model/date-text.js';
import { QuerySyntaxError } from './syntax-error.js';
import type { MatchRule } from './match-rule.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const RELATIVE = /^now(?:([-+])(\d{1,6})([smhdw]))?$/;

/** `now`, `now-7d`, `now-90m`, `now+1h` (units s, m, h, d, w) from `now`; undefined when the text is not relative. */
export function relativeTime(text: string, now: Date): Date | undefined {
  const match = RELATIVE.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  if (!match[1]) return new Date(now.getTime());
  const delta = Number(match[2]) * UNIT_MS[match[3] as keyof typeof UNIT_MS];
  return new Date(now.getTime() + (match[1] === '-' ? -delta : delta));
}

function dateOf(text: string, position: number, endOfDay: boolean, now: Date): Date {
  const relative = relativeTime(text, now);
  if (relative) return relative;
  try {
    return parseDateText(text, { endOfDay });
  } catch (error) {
    if (error instanceof DateTextError) throw new QuerySyntaxError(`${error.problem}, or now-7d (s, m, h, d, w)`, position);
    throw error;
  }
}

const timeBound = (bound: 'gte' | 'lt', pick: (a: Date, b: Date) => Date, summary: string): MatchRule<Date> => ({
  summary,
  negatable: false,
  patterns: false,
  // A bare day as upper bound means "through that day".
  add: (_key, _current, text, position, context) => dateOf(text, position, bound === 'lt', context.now),
  format: (value) => [value.toISOString()],
  combine: (a, b) => (a && b ? pick(a, b) : (a ?? b)),
  clause: (key, value) => ({ range: Object.fromEntries(key.fields.map((f) => [f, { format: 'strict_date_optional_time', [bound]: value.toISOString() }])) }),
});

/** Inclusive lower time bound; with two filters the later bound wins. */
export const notBefore = timeBound('gte', (a, b) => (a.getTime() >= b.getTime() ? a : b), 'at or after the time: `2026-11-01`, `2026-11-01T10:00Z`, or `now-7d` (s, m, h, d, w)');
/** Exclusive upper time bound (a bare day means through that day); with two filters the earlier bound wins. */
export const before = timeBound('lt', (a, b) => (a.getTime() <= b.getTime() ? a : b), 'before the time (a bare day: through that day), or `now-1h`');
