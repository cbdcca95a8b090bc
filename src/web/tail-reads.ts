// Shared reads of new events for open live tails: tails of the same filter polling within a moment of each other share one search.
import type { AuditRow } from '../model/row.js';
import type { Cursor } from '../query/list.js';

/** New events after a cursor, newest first, and whether more follow them. */
export interface NewerRows {
  rows: AuditRow[];
  more: boolean;
}

/** Reads the events of `filterKey`'s filter after `since` (the query module's `listNewer`, bound to a filter). */
export type ReadNewer = (since: Cursor) => Promise<NewerRows>;

/** Whether cursor `a` is before `b` in the list's order (time, then event id). */
function before(a: Cursor, b: Cursor): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

interface SharedRead {
  since: Cursor;
  at: number;
  result: Promise<NewerRows>;
}

/**
 * One search answers every tail of a filter that asks within `reuseMs` of it, as long as the tail's cursor is not
 * before the search's own (the rows after the tail's cursor are then all in it, up to the search's batch). A failed
 * search is never reused.
 */
export class TailReads {
  private readonly latest = new Map<string, SharedRead>();

  constructor(private readonly reuseMs: number, private readonly now: () => number = Date.now) {}

  /** The rows after `since` for the filter `filterKey`, from a shared search when one is fresh enough. */
  async newer(filterKey: string, since: Cursor, read: ReadNewer): Promise<NewerRows> {
    this.prune();
    const shared = this.latest.get(filterKey);
    let search: SharedRead;
    if (shared && this.now() - shared.at < this.reuseMs && !before(since, shared.since)) search = shared;
    else {
      search = { since, at: this.now(), result: read(since) };
      this.latest.set(filterKey, search);
      search.result.catch(() => (this.latest.get(filterKey) === search ? this.latest.delete(filterKey) : undefined));
    }
    const { rows, more } = await search.result;
    if (search.since === since) return { rows, more };
    return { rows: rows.filter((row) => before(since, [row.time.getTime(), row.id])), more };
  }

  /** Forgets the searches too old to be shared. */
  private prune(): void {
    for (const [key, shared] of this.latest) if (this.now() - shared.at >= this.reuseMs) this.latest.delete(key);
  }
}
