// API bearer tokens: named, with a role and an expiry, stored as SHA-256 hashes (the token itself is shown once), revocable, with their last use.
import Database from 'better-sqlite3';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ROLES, type Role } from '../../model/vocabulary.js';

/** A token as listed (never its secret). */
export interface ApiToken {
  name: string;
  role: Role;
  createdAt: Date;
  expiresAt: Date;
  revokedAt?: Date;
  lastUsedAt?: Date;
}

/** Thrown for a bad name, role or expiry (`invalid`), a taken name (`taken`), or no such token (`unknown`); the message says what to do. */
export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    message: string,
    readonly problem: 'invalid' | 'taken' | 'unknown' = 'invalid',
  ) {
    super(message);
  }
}

/** Prefix of every token (lets secret scanners recognise a leaked one). */
export const TOKEN_PREFIX = 'atr_';
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** `atr_<12 hex: the public id, for lookup>_<43 base64url: 256 random bits>`. */
const TOKEN = /^atr_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** Longest expiry a token may have, in days. */
export const MAX_TOKEN_DAYS = 366;
/** Expiry when none is given. */
export const DEFAULT_TOKEN_EXPIRY = '90d';
/** Last use is written at most this often per token (reads stay cheap). */
const LAST_USE_RESOLUTION_MS = 60_000;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

// The rules of a token's name, role and expiry, declared here only: the store, `audit-trail tokens` and Manage > Tokens check with these.

/** A token name: 1-64 lower-case letters, digits, '.', '_' or '-'; throws TokenError otherwise. */
export function checkTokenName(name: string): string {
  if (!NAME.test(name)) throw new TokenError(`token name '${name}' is not valid: use 1-64 lower-case letters, digits, '.', '_' or '-'`);
  return name;
}

/** A role a token may carry (any role: a member's token is refused by the API, as a member is by the page); throws TokenError otherwise. */
export function checkTokenRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new TokenError(`'${role}' is not a role: use one of ${ROLES.join(', ')}`);
  return role as Role;
}

/** `90d`, `12h` → milliseconds; throws TokenError for anything else or beyond MAX_TOKEN_DAYS. */
export function parseExpiry(text: string): number {
  const match = /^(\d{1,4})([dh])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * (match[2] === 'd' ? 86_400_000 : 3_600_000) : NaN;
  if (!match || ms <= 0 || ms > MAX_TOKEN_DAYS * 86_400_000) throw new TokenError(`expiry '${text}' is not valid: give days or hours, e.g. 90d or 12h, at most ${MAX_TOKEN_DAYS}d`);
  return ms;
}

interface Row {
  id: string;
  name: string;
  role: Role;
  hash: Buffer;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

const toToken = (row: Row): ApiToken => ({
  name: row.name,
  role: row.role,
  createdAt: new Date(row.created_at),
  expiresAt: new Date(row.expires_at),
  ...(row.revoked_at ? { revokedAt: new Date(row.revoked_at) } : {}),
  ...(row.last_used_at ? { lastUsedAt: new Date(row.last_used_at) } : {}),
});

/** A listed token's state: refused from its revocation or its expiry on. */
export function tokenState(token: ApiToken, now: Date): 'active' | 'expired' | 'revoked' {
  if (token.revokedAt) return 'revoked';
  return token.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

/** Why a presented token was refused, for the 401 message. */
export type TokenRefusal = 'malformed' | 'unknown' | 'expired' | 'revoked';

export class TokenStore {
  private readonly db: Database.Database;
  private readonly lastWritten = new Map<string, number>();

  /** Opens (or creates) the `api_tokens` table in the web view's SQLite database. */
  constructor(db: Database.Database) {
    this.db = db;
    this.db.exec(`CREATE TABLE IF NOT EXISTS api_tokens (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      role TEXT NOT NULL,
      hash BLOB NOT NULL,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      revoked_at TEXT,
      last_used_at TEXT)`);
  }

  /** Creates a token; returns it with its secret, which is not kept (only its hash is). */
  create(name: string, role: Role, expiry: string = DEFAULT_TOKEN_EXPIRY, now: Date = new Date()): { token: ApiToken; secret: string } {
    checkTokenName(name);
    checkTokenRole(role);
    const ms = parseExpiry(expiry);
    if (this.db.prepare('SELECT 1 FROM api_tokens WHERE name = ?').get(name)) throw new TokenError(`a token named '${name}' exists: choose another name (a revoked token keeps its name)`, 'taken');
    const id = randomBytes(6).toString('hex');
    const key = randomBytes(32).toString('base64url');
    const secret = `${TOKEN_PREFIX}${id}_${key}`;
    const expiresAt = new Date(now.getTime() + ms);
    this.db.prepare('INSERT INTO api_tokens (id, name, role, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, name, role, sha256(secret), now.toISOString(), expiresAt.toISOString());
    return { token: { name, role, createdAt: now, expiresAt }, secret };
  }

  /** Every token, newest first. */
  list(): ApiToken[] {
    return (this.db.prepare('SELECT * FROM api_tokens ORDER BY created_at DESC, name').all() as Row[]).map(toToken);
  }

  /** Revokes a token by name (it stays listed, refused from now on). */
  revoke(name: string, now: Date = new Date()): ApiToken {
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE name = ?').get(name) as Row | undefined;
    if (!row) throw new TokenError(`no token named '${name}'`, 'unknown');
    if (!row.revoked_at) this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run(now.toISOString(), row.id);
    return toToken({ ...row, revoked_at: row.revoked_at ?? now.toISOString() });
  }

  /** The token a bearer secret belongs to, or why it is refused; records its last use. */
  authenticate(secret: string, now: Date = new Date()): { token: ApiToken } | { refused: TokenRefusal } {
    const match = TOKEN.exec(secret);
    if (!match) return { refused: 'malformed' };
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(match[1]) as Row | undefined;
    if (!row || !timingSafeEqual(row.hash, sha256(secret))) return { refused: 'unknown' };
    if (row.revoked_at) return { refused: 'revoked' };
    if (new Date(row.expires_at).getTime() <= now.getTime()) return { refused: 'expired' };
    const written = this.lastWritten.get(row.id) ?? 0;
    if (now.getTime() - written >= LAST_USE_RESOLUTION_MS) {
      this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now.toISOString(), row.id);
      this.lastWritten.set(row.id, now.getTime());
      row.last_used_at = now.toISOString();
    }
    return { token: toToken(row) };
  }
}
