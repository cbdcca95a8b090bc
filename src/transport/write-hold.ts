// The `block` overflow policy's hold on winston: entries handed over while memory is at the cap wait, in order, with winston's callback.

/** Winston entries as the transport takes them. */
type Entry = Record<string, unknown>;

export class WriteHold {
  private next: (() => void) | undefined;
  private held: Entry[] = [];

  constructor(
    /** Whether writes are to be held back now (memory at the cap). */
    private readonly holding: () => boolean,
    private readonly take: (entry: Entry) => void,
  ) {}

  /** Whether winston is being held back (its callback not called yet). */
  get engaged(): boolean {
    return this.next !== undefined;
  }

  /**
   * Takes `entries` in order while not holding; the rest wait with `next` (winston's callback) until
   * `release`. Winston hands over several at once (its `_writev`) what it buffered during a hold.
   */
  offer(entries: Entry[], next: () => void): void {
    let i = 0;
    while (i < entries.length && !this.holding()) this.take(entries[i++]!);
    if (i === entries.length && !this.holding()) return next();
    this.held = entries.slice(i);
    this.next = next;
  }

  /** Memory was freed: takes what waits while there is room, then lets winston go on. */
  release(): void {
    const next = this.next;
    if (!next || this.holding()) return;
    this.next = undefined;
    this.offer(this.held.splice(0), next);
  }

  /** Closing: whatever waits is taken at once (over the cap), not dropped as late; `release` then lets winston go. */
  takeAll(): void {
    for (const entry of this.held.splice(0)) this.take(entry);
  }
}
