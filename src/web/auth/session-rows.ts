// The session store's rows in SQLite (the `sessions` table of better-sqlite3-session-store): ending a user's sessions.
import type Database from 'better-sqlite3';

/** Deletes every stored session of `username` (they must sign in again); returns how many. None when no session was ever stored. */
export function endSessionsOf(db: Database.Database, username: string): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'").get();
  if (!table) return 0;
  return db.prepare("DELETE FROM sessions WHERE json_extract(sess, '$.user.username') = ?").run(username).changes;
}
