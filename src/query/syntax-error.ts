// The error of a search text or filter value that cannot be understood, with where it went wrong.

/** A search text or filter value that cannot be understood; `position` is the 0-based offset in the text. */
export class QuerySyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly position: number,
  ) {
    super(`${problem} (at character ${position + 1})`);
    this.name = 'QuerySyntaxError';
  }
}
