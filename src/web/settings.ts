// The web view's settings from the environment (AUDIT_WEB_*): every default and check in one place, shared by startWebServer and `audit-trail serve`.
import { isAddressOrRange } from '../model/ip-range.js';
import { ConfigurationError } from '../model/errors.js';

/** Proxies trusted for the client address and protocol (`X-Forwarded-For`/`-Proto`): none, a hop count, or addresses/subnets. */
export type TrustProxy = false | number | string[];

/** The environment variables of the web view, each read here only. */
export const WEB_ENV = {
  port: 'AUDIT_WEB_PORT',
  host: 'AUDIT_WEB_HOST',
  dataDir: 'AUDIT_WEB_DATA_DIR',
  sessionSecret: 'AUDIT_WEB_SESSION_SECRET',
  secure: 'AUDIT_WEB_SECURE',
  trustProxy: 'AUDIT_WEB_TRUST_PROXY',
  namespace: 'AUDIT_WEB_NAMESPACE',
  timeZone: 'AUDIT_WEB_TIME_ZONE',
  sessionHours: 'AUDIT_WEB_SESSION_HOURS',
} as const;

export interface WebSettings {
  /** Port to listen on. Default `3000`. */
  port: number;
  /** Address to bind. Default `127.0.0.1`. */
  host: string;
  /** Where users, sessions and the session secret live. Default: none given (the caller decides). */
  dataDir?: string;
  /** Served behind TLS: `Secure` cookies and HSTS. Default `false`. */
  secure: boolean;
  /** Proxies to trust. Default `false` (none: the peer address is the client). */
  trustProxy: TrustProxy;
  /** Namespace whose data stream is read. Default: every audit data stream. */
  namespace?: string;
  /** IANA time zone of server-rendered times. Default: the server's. */
  timeZone?: string;
  /** A session ends this many hours after sign-in, however much it is used. Default 12 (`DEFAULT_SESSION_HOURS`). */
  sessionHours?: number;
}

export const WEB_DEFAULTS = { port: 3000, host: '127.0.0.1', secure: false, trustProxy: false } as const;

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Parses a trust-proxy setting: unset, `false` or `0` → none; a whole number → that many hops;
 * else a comma-separated list of addresses, subnets (`10.0.0.0/8`) or `loopback`, `linklocal`, `uniquelocal`.
 * `true` (trust every hop) is refused: any client could then forge its address and dodge the sign-in limit.
 */
export function parseTrustProxy(raw: string | number | boolean | undefined, option: string = WEB_ENV.trustProxy): TrustProxy {
  if (raw === undefined || raw === false || raw === '' || raw === 'false' || raw === 0 || raw === '0') return false;
  const text = String(raw).trim();
  if (text === 'true') throw new ConfigurationError(option, 'must not be true (that trusts any client to say where it comes from): give the number of proxies in front, e.g. 1, or their addresses');
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  const bad = entries.filter((e) => !NAMED_RANGES.includes(e) && !isAddressOrRange(e));
  if (!entries.length || bad.length) throw new ConfigurationError(option, `has ${bad.length ? `"${bad.join(', ')}"` : 'nothing'}: give a hop count (1) or addresses/subnets of the proxies (10.0.0.5, 10.0.0.0/8, loopback)`);
  return entries;
}

function parseFlag(raw: string | undefined, option: string): boolean {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new ConfigurationError(option, `must be 1 or 0 (true or false), not "${raw}"`);
}

function parsePort(raw: string, option: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new ConfigurationError(option, `must be a port number from 0 to 65535, not "${raw}"`);
  return port;
}

/** The web settings from `env` (default `process.env`), checked; bad values throw a ConfigurationError naming the variable. */
export function webSettingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): WebSettings {
  const settings: WebSettings = {
    port: env[WEB_ENV.port] ? parsePort(env[WEB_ENV.port]!, WEB_ENV.port) : WEB_DEFAULTS.port,
    host: env[WEB_ENV.host] || WEB_DEFAULTS.host,
    secure: parseFlag(env[WEB_ENV.secure], WEB_ENV.secure),
    trustProxy: parseTrustProxy(env[WEB_ENV.trustProxy]),
  };
  if (env[WEB_ENV.dataDir]) settings.dataDir = env[WEB_ENV.dataDir];
  const namespace = env[WEB_ENV.namespace];
  if (namespace) {
    if (!/^[a-z0-9_]{1,100}$/.test(namespace)) throw new ConfigurationError(WEB_ENV.namespace, `must be lower-case letters, digits or _, not "${namespace}"`);
    settings.namespace = namespace;
  }
  const timeZone = env[WEB_ENV.timeZone];
  if (timeZone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone });
    } catch {
      throw new ConfigurationError(WEB_ENV.timeZone, `is not an IANA time zone: "${timeZone}" (e.g. Europe/Paris, UTC)`);
    }
    settings.timeZone = timeZone;
  }
  const hours = env[WEB_ENV.sessionHours];
  if (hours) {
    const n = Number(hours);
    if (!(n > 0)) throw new ConfigurationError(WEB_ENV.sessionHours, `must be a positive number of hours, not "${hours}"`);
    settings.sessionHours = n;
  }
  return settings;
}
