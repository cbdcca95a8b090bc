// Where the web view keeps its users and sessions: one SQLite file in a data directory.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

/** `AUDIT_WEB_DATA_DIR`, default `<project>/.cache/web` (never committed). */
export function defaultDataDir(): string {
  return resolve(process.env.AUDIT_WEB_DATA_DIR || join(fileURLToPath(new URL('../../..', import.meta.url)), '.cache', 'web'));
}

/** Opens (or creates) `<dir>/web.db`. */
export function openWebDatabase(dir: string = defaultDataDir()): Database.Database {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dir, 'web.db'));
  db.pragma('journal_mode = WAL');
  return db;
}
