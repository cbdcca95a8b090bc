// Local users of the web view: names, roles and argon2id password hashes in a SQLite file.
import Database from 'better-sqlite3';
import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../../model/vocabulary.js';
import { endSessionsOf } from './session-rows.js';

export interface User {
  username: string;
  role: Role;
}

/** Thrown for a bad user name, role or password; the message says what to do. */
export class UserError extends Error {
  override name = 'UserError';
}

const NAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;
/** Minimum password length the store accepts. */
export const MIN_PASSWORD_LENGTH = 12;

/** argon2id (the library's default algorithm) with OWASP's recommended cost: 19 MiB, 2 passes. */
const HASH_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A random password for new or reset users (shown once, never stored). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

export class UserStore {
  private readonly db: Database.Database;
  /** Verified against when the user does not exist, so timing does not tell which names exist. */
  private dummyHash: Promise<string> | undefined;

  /** Opens (or creates) the users table in a SQLite database (a path, or an open better-sqlite3 handle). */
  constructor(db: string | Database.Database) {
    this.db = typeof db === 'string' ? new Database(db) : db;
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS users (
      username TEXT PRIMARY KEY,
      role TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL)`);
  }

  private check(username: string, role?: string, password?: string): void {
    if (!NAME.test(username)) throw new UserError(`user name '${username}' is not valid: use 1-64 lower-case letters, digits, '.', '_', '@' or '-'`);
    if (role !== undefined && !(ROLES as readonly string[]).includes(role)) throw new UserError(`role '${role}' is not valid: use one of ${ROLES.join(', ')}`);
    if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) throw new UserError(`the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters`);
  }

  get(username: string): User | undefined {
    const row = this.db.prepare('SELECT username, role FROM users WHERE username = ?').get(username) as User | undefined;
    return row ? { username: row.username, role: row.role } : undefined;
  }

  list(): User[] {
    return this.db.prepare('SELECT username, role FROM users ORDER BY username').all() as User[];
  }

  /** Adds a user; fails when the name is taken. */
  async add(username: string, role: Role, password: string): Promise<User> {
    this.check(username, role, password);
    if (this.get(username)) throw new UserError(`user '${username}' already exists: use 'reset' to give a new password`);
    const now = new Date().toISOString();
    const passwordHash = await hash(password, HASH_OPTIONS);
    this.db.prepare('INSERT INTO users (username, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(username, role, passwordHash, now, now);
    return { username, role };
  }

  /** Sets a new password (and optionally a new role), and ends every session of the user. */
  async reset(username: string, password: string, role?: Role): Promise<User> {
    this.check(username, role, password);
    const user = this.get(username);
    if (!user) throw new UserError(`no user '${username}': use 'add' first`);
    const passwordHash = await hash(password, HASH_OPTIONS);
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET password_hash = ?, role = COALESCE(?, role), updated_at = ? WHERE username = ?').run(passwordHash, role ?? null, new Date().toISOString(), username);
      endSessionsOf(this.db, username);
    })();
    return { username, role: role ?? user.role };
  }

  /** Gives a user another role. */
  setRole(username: string, role: Role): User {
    this.check(username, role);
    if (!this.get(username)) throw new UserError(`no user '${username}': use 'add' first`);
    this.db.prepare('UPDATE users SET role = ?, updated_at = ? WHERE username = ? ').run(role, new Date().toISOString(), username);
    return { username, role };
  }

  /** Removes a user and ends their sessions; fails when there is no such user. */
  remove(username: string): void {
    this.check(username);
    if (!this.get(username)) throw new UserError(`no user '${username}': 'list' shows who there is`);
    this.db.prepare('DELETE FROM users WHERE username = ?').run(username);
    this.endSessions(username);
  }

  /** Ends every session of a user (sessions live in the same database when the web view shares it). Returns how many. */
  endSessions(username: string): number {
    return endSessionsOf(this.db, username);
  }

  /** The user when the password is right, else undefined (same work either way). */
  async verify(username: string, password: string): Promise<User | undefined> {
    const row = this.db.prepare('SELECT username, role, password_hash AS hash FROM users WHERE username = ?').get(username) as (User & { hash: string }) | undefined;
    if (!row) {
      this.dummyHash ??= hash(generatePassword(), HASH_OPTIONS);
      await verify(await this.dummyHash, password).catch(() => false);
      return undefined;
    }
    const ok = await verify(row.hash, password).catch(() => false);
    return ok ? { username: row.username, role: row.role } : undefined;
  }

  close(): void {
    this.db.close();
  }
}
