// The settings every command reads: the environment, over an optional JSON file (--config or AUDIT_TRAIL_CONFIG), and the cluster connection from them.
import { readFileSync } from 'node:fs';
import type { Client } from '@opensearch-project/opensearch';
import { ConfigurationError } from '../model/errors.js';
import { CONNECTION_ENV, connectionFromEnvironment, createOpenSearchClient, describeConnection, type ConnectionOptions } from '../storage/connection.js';
import { WEB_ENV } from '../web/settings.js';
import type { CliContext } from './command.js';
import { SIGNING_KEY_ENV } from './signing-key.js';

/** Environment variable naming the settings file when --config is not given. */
export const CONFIG_ENV = 'AUDIT_TRAIL_CONFIG';
/** Dashboards URL for `dashboards import`. */
export const DASHBOARDS_ENV = 'OPENSEARCH_DASHBOARDS_URL';

/** Keys a settings file may hold: the environment variables, secrets excepted (files get copied and committed). */
const FILE_KEYS: readonly string[] = [
  ...Object.values(WEB_ENV).filter((k) => k !== WEB_ENV.sessionSecret),
  ...Object.values(CONNECTION_ENV).filter((k) => k !== CONNECTION_ENV.password),
  DASHBOARDS_ENV,
  SIGNING_KEY_ENV,
];
const SECRET_KEYS: Record<string, string> = {
  [CONNECTION_ENV.password]: `put the password in a file and name it with ${CONNECTION_ENV.passwordFile}`,
  [WEB_ENV.sessionSecret]: `leave it out (a secret is generated into the data directory) or set ${WEB_ENV.sessionSecret} in the environment`,
};

function readSettingsFile(path: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigurationError('--config', `names ${path}, which cannot be read as JSON (${why}): give a JSON object such as {"AUDIT_WEB_PORT": 8080}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigurationError('--config', `${path} must hold a JSON object whose keys are environment variable names`);
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (SECRET_KEYS[key]) throw new ConfigurationError(key, `must not be in the settings file ${path}: ${SECRET_KEYS[key]}`);
    if (!FILE_KEYS.includes(key)) throw new ConfigurationError(key, `is not a setting (${path}): use one of ${FILE_KEYS.join(', ')}`);
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw new ConfigurationError(key, `must be a string, number or boolean in ${path}`);
    settings[key] = String(value);
  }
  const url = settings[CONNECTION_ENV.url];
  if (url && /\/\/[^/@]*:[^/@]*@/.test(url)) throw new ConfigurationError(CONNECTION_ENV.url, `in ${path} carries a password: ${SECRET_KEYS[CONNECTION_ENV.password]}`);
  return settings;
}

/** The effective environment: the settings file (if any) under the process environment, which wins. */
export function effectiveEnvironment(ctx: CliContext, configPath?: string): NodeJS.ProcessEnv {
  const path = configPath ?? ctx.env[CONFIG_ENV];
  const env = path ? { ...readSettingsFile(path), ...ctx.env } : { ...ctx.env };
  // Secrets found anywhere in the configuration are never printed, whatever an error message carries.
  const password = env[CONNECTION_ENV.password];
  if (password) ctx.secrets.add(password);
  for (const part of (env[CONNECTION_ENV.url] ?? '').split(',')) {
    try {
      const url = new URL(part.trim());
      if (url.password) ctx.secrets.add(url.password).add(decodeURIComponent(url.password));
    } catch {
      // not a URL: connectionFromEnvironment says so
    }
  }
  const dashboards = env[DASHBOARDS_ENV];
  if (dashboards) {
    try {
      const url = new URL(dashboards);
      if (url.password) ctx.secrets.add(url.password).add(decodeURIComponent(url.password));
    } catch {
      // checked by the import
    }
  }
  if (env[WEB_ENV.sessionSecret]) ctx.secrets.add(env[WEB_ENV.sessionSecret]!);
  return env;
}

/** The cluster of the configuration, with a client and how it may be shown. */
export interface Cluster {
  connection: ConnectionOptions;
  client: Client;
  /** Node URLs and user, never a secret. */
  shown: string;
}

/** Connects (lazily: nothing is sent yet) to the cluster the configuration names. */
export function clusterFromEnvironment(env: NodeJS.ProcessEnv, ctx: CliContext, fallbackUrl?: string): Cluster {
  let connection: ConnectionOptions;
  try {
    connection = connectionFromEnvironment(env, fallbackUrl);
  } catch (error) {
    if (error instanceof ConfigurationError && error.option === CONNECTION_ENV.url && !env[CONNECTION_ENV.url]) {
      throw new ConfigurationError(CONNECTION_ENV.url, "is not set: give the cluster URL, e.g. OPENSEARCH_URL=https://opensearch.example.com:9200 (for a local development node: 'audit-trail opensearch start' prints it)");
    }
    throw error;
  }
  if (connection.password) ctx.secrets.add(connection.password);
  const shown = describeConnection(connection);
  ctx.cluster = shown;
  return { connection, client: createOpenSearchClient(connection), shown };
}
