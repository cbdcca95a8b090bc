// Where the web view keeps its users and sessions: one SQLite file in a data directory.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { ConfigurationError } from '../../model/errors.js';

/**
 * `AUDIT_WEB_DATA_DIR`, default `<project>/.cache/web` (never committed) in a source checkout. An installed
 * package has no default: its own folder under node_modules would be wiped by the next install.
 */
export function defaultDataDir(): string {
  if (process.env.AUDIT_WEB_DATA_DIR) return resolve(process.env.AUDIT_WEB_DATA_DIR);
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  if (/[\\/]node_modules[\\/]/.test(root)) {
    throw new ConfigurationError('AUDIT_WEB_DATA_DIR', 'is not set: give the directory where the web view keeps its users, sessions and session secret (e.g. /var/lib/audit-trail), one that is backed up');
  }
  return join(root, '.cache', 'web');
}

/** Opens (or creates) `<dir>/web.db`. */
export function openWebDatabase(dir: string = defaultDataDir()): Database.Database {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dir, 'web.db'));
  db.pragma('journal_mode = WAL');
  return db;
}
