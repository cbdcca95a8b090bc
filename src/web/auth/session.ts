// Signed, HttpOnly, SameSite session cookies kept in SQLite (they survive a restart), and the secret that signs them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import session from 'express-session';
import makeSqliteStore from 'better-sqlite3-session-store';
import type Database from 'better-sqlite3';
import type { RequestHandler } from 'express';
import type { Role } from '../../model/vocabulary.js';
import { ConfigurationError } from '../../model/errors.js';

declare module 'express-session' {
  interface SessionData {
    user?: { username: string; role: Role };
    /** When the user signed in (ms since the epoch): the session ends its absolute lifetime later, however busy. */
    signedInAt?: number;
  }
}

export interface SessionOptions {
  /** SQLite database holding the `sessions` table. */
  db: Database.Database;
  /** Signing secret(s); the first signs, all verify. */
  secret: string | string[];
  /** Cookie flagged `Secure` (set when served behind TLS). Default false. */
  secure?: boolean;
  /** How long a session lasts. */
  lifetime?: SessionLifetime;
}

export interface SessionLifetime {
  /** Ends after this long unused, in ms. Default 8 hours. */
  idleMs?: number;
  /** Ends this long after sign-in however much it is used, in ms. Default 12 hours (`AUDIT_WEB_SESSION_HOURS`). */
  absoluteMs?: number;
  /**
   * The idle deadline is written to the store at most this often, in ms; a session still ends at most `idleMs`
   * after its last use (sooner by at most this much). Default 1 minute; 0 writes on every request.
   */
  touchEveryMs?: number;
}

/** Default idle lifetime of a session, in ms. */
export const DEFAULT_IDLE_MS = 8 * 3600_000;
/** Default interval between two writes of a session's idle deadline, in ms. */
export const DEFAULT_TOUCH_EVERY_MS = 60_000;

/** Default absolute lifetime of a session, in hours. */
export const DEFAULT_SESSION_HOURS = 12;

/** Name of the session cookie. */
export const SESSION_COOKIE = 'audit_trail.sid';

/** The lifetime options with their defaults, checked. */
function sessionLifetime(lifetime: SessionLifetime = {}): Required<SessionLifetime> {
  const resolved = {
    idleMs: lifetime.idleMs ?? DEFAULT_IDLE_MS,
    absoluteMs: lifetime.absoluteMs ?? DEFAULT_SESSION_HOURS * 3600_000,
    touchEveryMs: lifetime.touchEveryMs ?? DEFAULT_TOUCH_EVERY_MS,
  };
  for (const name of ['idleMs', 'absoluteMs'] as const) {
    if (!(resolved[name] > 0)) throw new ConfigurationError(`sessionLifetime.${name}`, `must be a positive number of milliseconds, not ${resolved[name]}`);
  }
  if (!(resolved.touchEveryMs >= 0 && resolved.touchEveryMs < resolved.idleMs)) {
    throw new ConfigurationError('sessionLifetime.touchEveryMs', `must be from 0 to less than the idle lifetime (${resolved.idleMs} ms), not ${resolved.touchEveryMs}`);
  }
  return resolved;
}

/** The SQLite session store: writes a session's idle deadline at most every `touchEveryMs`. */
export function sessionStore(db: Database.Database, touchEveryMs: number): session.Store {
  const SqliteStore = makeSqliteStore(session);
  class Store extends SqliteStore {
    /** The stored idle deadline of a session (the table exists once the base class is built). */
    private readonly storedExpiry = db.prepare<[string], { expire: string }>('SELECT expire FROM sessions WHERE sid = ?');

    // The library's cleanup timer cannot be turned off and keeps the process alive: run our own, unref'd, instead.
    override startInterval(): void {
      setInterval(() => {
        if (db.open) this.clearExpiredSessions();
      }, 15 * 60_000).unref();
    }

    // express-session touches an unchanged session on every request: a write (and a WAL sync) each time. Only write
    // when the stored idle deadline is `touchEveryMs` or more behind the new one.
    override touch(sid: string, sess: session.SessionData, callback?: (error?: unknown) => void): void {
      let stored: { expire: string } | undefined;
      try {
        stored = this.storedExpiry.get(sid);
      } catch (error) {
        // As the base class does: a store that cannot answer (closed at shutdown) reports it, never throws.
        callback?.(error);
        return;
      }
      const next = sess.cookie.expires ? new Date(sess.cookie.expires).getTime() : NaN;
      if (stored && next - Date.parse(stored.expire) < touchEveryMs) callback?.();
      else super.touch(sid, sess, callback);
    }
  }
  return new Store({ client: db });
}

/** The express-session middleware over a SQLite store (never the MemoryStore); a session past its absolute lifetime is ended. */
export function sessionMiddleware(options: SessionOptions): RequestHandler {
  const { idleMs, absoluteMs, touchEveryMs } = sessionLifetime(options.lifetime);
  const sessions = session({
    name: SESSION_COOKIE,
    store: sessionStore(options.db, touchEveryMs),
    secret: options.secret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    // `proxy` left unset: the app's own `trust proxy` setting decides whether X-Forwarded-Proto says https.
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secure ?? false, maxAge: idleMs },
  });
  return (req, res, next) =>
    sessions(req, res, (error?: unknown) => {
      if (error) return next(error);
      const { user, signedInAt } = req.session;
      // A signed-in session without its sign-in time predates the limit: it ends too.
      if (user && !(Date.now() - (signedInAt ?? 0) < absoluteMs)) req.session.regenerate(next);
      else next();
    });
}

/**
 * The session secret: `AUDIT_WEB_SESSION_SECRET` when set, else a random one generated once into
 * `<dir>/session-secret` (mode 0600, never in the repository) so sessions survive a restart.
 */
export function loadSessionSecret(dir: string): string {
  const fromEnv = process.env.AUDIT_WEB_SESSION_SECRET;
  if (fromEnv) return fromEnv;
  const file = join(dir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
