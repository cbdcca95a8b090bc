// What single sign-on with OpenID Connect needs to know, and the checks of each value (settings.ts reads them from AUDIT_WEB_OIDC_*).
import { ConfigurationError } from '../../model/errors.js';
import { ROLES, type Role } from '../../model/vocabulary.js';

export interface OidcSettings {
  /** The identity provider's issuer URL (its discovery document is `<issuer>/.well-known/openid-configuration`). https, or http on a loopback address. */
  issuer: string;
  /** This app's client id at the provider. */
  clientId: string;
  /** The client secret of a confidential client. Default: none (a public client; PKCE protects the code either way). */
  clientSecret?: string;
  /** The callback registered at the provider: `<public URL of the web view>/auth/oidc/callback`. */
  redirectUri: string;
  /** Claim holding the user's roles or groups, a string or a list; dots reach into objects (`realm_access.roles`). Default `roles`. */
  roleClaim?: string;
  /** Claim value → role. Default: values that are role names (site_manager, auditor, member) map to themselves. */
  roleMap?: Readonly<Record<string, Role>>;
  /** Claim shown as the user's name. Default `preferred_username`, then `email`, then `sub`. */
  nameClaim?: string;
  /** Scopes asked for. Default `openid profile email`. */
  scopes?: string;
  /** Text of the sign-in button. Default `Sign in with single sign-on`. */
  label?: string;
  /**
   * Where the provider sends the browser back after ending its session at sign-out (RP-initiated logout), as
   * registered at the provider. Default: the web view's sign-in page, `/login` beside the redirect URI.
   */
  postLogoutRedirectUri?: string;
}

export const OIDC_DEFAULTS = { roleClaim: 'roles', nameClaim: 'preferred_username', scopes: 'openid profile email', label: 'Sign in with single sign-on' } as const;

/** Path of the callback, to register at the provider. */
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
/** Path that starts a sign-in. */
export const OIDC_START_PATH = '/auth/oidc/start';
/** Path that sends a browser just signed out here on to the provider's end-session endpoint. */
export const OIDC_END_SESSION_PATH = '/auth/oidc/end-session';

/** The post-logout redirect URI: the setting, else the web view's `/login` (same origin as the redirect URI). */
export const postLogoutRedirectUriOf = (settings: OidcSettings): string => settings.postLogoutRedirectUri ?? new URL('/login', settings.redirectUri).href;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for plain-http URLs on a loopback address (a provider started for tests or development). */
export const isLoopbackHttp = (url: URL): boolean => url.protocol === 'http:' && LOOPBACK.has(url.hostname);

/** Checks a URL setting: https, or http on loopback. */
export function checkOidcUrl(raw: string, option: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(option, `is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) throw new ConfigurationError(option, `must be an https URL (plain http only on 127.0.0.1 or localhost), not "${raw}"`);
  return raw;
}

/** Parses `groupA=auditor,groupB=site_manager`. */
export function parseRoleMap(raw: string, option: string): Record<string, Role> {
  const map: Record<string, Role> = {};
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const at = entry.lastIndexOf('=');
    const value = entry.slice(0, at).trim();
    const role = entry.slice(at + 1).trim();
    if (at < 1 || !value || !(ROLES as readonly string[]).includes(role)) {
      throw new ConfigurationError(option, `has "${entry}": write claim-value=role pairs separated by commas, roles being ${ROLES.join(', ')} (e.g. audit-admins=site_manager,auditors=auditor)`);
    }
    map[value] = role as Role;
  }
  if (!Object.keys(map).length) throw new ConfigurationError(option, 'is empty: give claim-value=role pairs, or unset it to take role names as they are');
  return map;
}
