// The web view's settings from the environment (AUDIT_WEB_*): every default and check in one place, shared by startWebServer and `audit-trail serve`.
import { isAddressOrRange } from '../model/ip-range.js';
import { ConfigurationError } from '../model/errors.js';
import { checkOidcUrl, parseRoleMap, type OidcSettings } from './oidc/oidc-settings.js';

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
  apiCorsOrigins: 'AUDIT_WEB_API_CORS_ORIGINS',
  apiRateLimit: 'AUDIT_WEB_API_RATE_LIMIT',
  oidcIssuer: 'AUDIT_WEB_OIDC_ISSUER',
  oidcClientId: 'AUDIT_WEB_OIDC_CLIENT_ID',
  oidcClientSecret: 'AUDIT_WEB_OIDC_CLIENT_SECRET',
  oidcRedirectUri: 'AUDIT_WEB_OIDC_REDIRECT_URI',
  oidcRoleClaim: 'AUDIT_WEB_OIDC_ROLE_CLAIM',
  oidcRoleMap: 'AUDIT_WEB_OIDC_ROLE_MAP',
  oidcNameClaim: 'AUDIT_WEB_OIDC_NAME_CLAIM',
  oidcScopes: 'AUDIT_WEB_OIDC_SCOPES',
  oidcLabel: 'AUDIT_WEB_OIDC_LABEL',
  oidcPostLogoutRedirectUri: 'AUDIT_WEB_OIDC_POST_LOGOUT_REDIRECT_URI',
  sessionHours: 'AUDIT_WEB_SESSION_HOURS',
  verifyKeys: 'AUDIT_WEB_VERIFY_KEYS',
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
  /** Browser origins allowed to call the API (CORS), comma-separated. Default: none (CORS closed). */
  apiCorsOrigins?: string[];
  /** API requests allowed per token and minute. Default 600. */
  apiRateLimit?: number;
  /** Single sign-on with OpenID Connect, when AUDIT_WEB_OIDC_ISSUER is set. Default: off (local users only). */
  oidc?: OidcSettings;
  /** A session ends this many hours after sign-in, however much it is used. Default 12 (`DEFAULT_SESSION_HOURS`). */
  sessionHours?: number;
  /** Public key PEM files the Integrity page trusts, besides the data directory's `keys/*.pub.pem`. Default: none. */
  verifyKeyFiles?: string[];
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

function parseOrigins(raw: string, option: string): string[] {
  const origins = raw.split(',').map((e) => e.trim()).filter(Boolean);
  const bad = origins.filter((o) => {
    try {
      return new URL(o).origin !== o;
    } catch {
      return true;
    }
  });
  if (!origins.length || bad.length) throw new ConfigurationError(option, `has ${bad.length ? `"${bad.join(', ')}"` : 'nothing'}: give origins like https://siem.example.com, comma-separated (scheme, host and port only)`);
  return origins;
}

/** Single sign-on settings: all or nothing of issuer, client id and redirect URI. */
function oidcFromEnvironment(env: NodeJS.ProcessEnv): OidcSettings | undefined {
  const required = [WEB_ENV.oidcIssuer, WEB_ENV.oidcClientId, WEB_ENV.oidcRedirectUri] as const;
  const given = required.filter((name) => env[name]);
  if (!given.length) return undefined;
  if (given.length < required.length) throw new ConfigurationError(required.find((name) => !env[name])!, `is not set while ${given.join(' and ')} ${given.length === 1 ? 'is' : 'are'}: single sign-on needs ${required.join(', ')}`);
  const optional = { clientSecret: WEB_ENV.oidcClientSecret, roleClaim: WEB_ENV.oidcRoleClaim, nameClaim: WEB_ENV.oidcNameClaim, scopes: WEB_ENV.oidcScopes, label: WEB_ENV.oidcLabel } as const;
  const oidc: OidcSettings = {
    issuer: checkOidcUrl(env[WEB_ENV.oidcIssuer]!, WEB_ENV.oidcIssuer),
    clientId: env[WEB_ENV.oidcClientId]!,
    redirectUri: checkOidcUrl(env[WEB_ENV.oidcRedirectUri]!, WEB_ENV.oidcRedirectUri),
  };
  for (const [key, name] of Object.entries(optional)) if (env[name]) oidc[key as keyof typeof optional] = env[name];
  if (env[WEB_ENV.oidcPostLogoutRedirectUri]) oidc.postLogoutRedirectUri = checkOidcUrl(env[WEB_ENV.oidcPostLogoutRedirectUri]!, WEB_ENV.oidcPostLogoutRedirectUri);
  if (env[WEB_ENV.oidcRoleMap]) oidc.roleMap = parseRoleMap(env[WEB_ENV.oidcRoleMap]!, WEB_ENV.oidcRoleMap);
  if (oidc.scopes && !oidc.scopes.split(/\s+/).includes('openid')) throw new ConfigurationError(WEB_ENV.oidcScopes, `must include openid, not "${oidc.scopes}"`);
  return oidc;
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
  if (env[WEB_ENV.apiCorsOrigins]) settings.apiCorsOrigins = parseOrigins(env[WEB_ENV.apiCorsOrigins]!, WEB_ENV.apiCorsOrigins);
  const rate = env[WEB_ENV.apiRateLimit];
  if (rate) {
    if (!/^\d{1,6}$/.test(rate) || Number(rate) < 1) throw new ConfigurationError(WEB_ENV.apiRateLimit, `must be a whole number of requests per token and minute (e.g. 600), not "${rate}"`);
    settings.apiRateLimit = Number(rate);
  }
  const oidc = oidcFromEnvironment(env);
  if (oidc) settings.oidc = oidc;
  const hours = env[WEB_ENV.sessionHours];
  if (hours) {
    const n = Number(hours);
    if (!(n > 0)) throw new ConfigurationError(WEB_ENV.sessionHours, `must be a positive number of hours, not "${hours}"`);
    settings.sessionHours = n;
  }
  const keyFiles = env[WEB_ENV.verifyKeys];
  if (keyFiles) {
    const files = keyFiles.split(',').map((f) => f.trim()).filter(Boolean);
    if (!files.length) throw new ConfigurationError(WEB_ENV.verifyKeys, `has no file: give the paths of public key PEM files, comma-separated`);
    settings.verifyKeyFiles = files;
  }
  return settings;
}
