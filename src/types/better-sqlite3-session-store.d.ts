// Types for better-sqlite3-session-store (the package ships none).
declare module 'better-sqlite3-session-store' {
  import session from 'express-session';
  import type Database from 'better-sqlite3';
  interface SqliteStoreOptions {
    client: Database.Database;
    expired?: { clear?: boolean; intervalMs?: number };
  }
  class SqliteStore extends session.Store {
    constructor(options: SqliteStoreOptions);
    startInterval(): void;
    clearExpiredSessions(): void;
    get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void;
    set(sid: string, session: session.SessionData, callback?: (err?: unknown) => void): void;
    destroy(sid: string, callback?: (err?: unknown) => void): void;
    touch(sid: string, session: session.SessionData, callback?: (err?: unknown) => void): void;
  }
  type SqliteStoreClass = typeof SqliteStore;
  export default function makeStore(s: typeof session): SqliteStoreClass;
}
