// `audit-trail serve`: the web view for production (no demo data or users), configured from the environment and/or a settings file, refusing unsafe settings; drains on SIGTERM/SIGINT.
import { join } from 'node:path';
import { ConfigurationError } from '../model/errors.js';
import { dataStreamName } from '../storage/template.js';
import { defaultDataDir, openWebDatabase } from '../web/auth/data.js';
import { UserStore } from '../web/auth/users.js';
import { startWebServer, type WebServer } from '../web/server.js';
import { WEB_ENV, webSettingsFromEnvironment, type WebSettings } from '../web/settings.js';
import { COMMON_HELP, EXIT, UsageError, parse, type CliContext, type Command } from './command.js';
import { clusterFromEnvironment, effectiveEnvironment, type Cluster } from './config.js';
import { isLoopbackHost } from './loopback.js';
import { producerSigningKey, SIGNING_KEY_ENV } from './signing-key.js';
import { createAuditorRecorder, webSpoolDir } from './auditor-recorder.js';
import { webVerifyKeys } from './web-verify-keys.js';
import { startRetentionTimer } from './retention-timer.js';

const HELP = `usage: audit-trail serve [--port PORT] [--host ADDRESS] [--config FILE]

Serves Manage > Audit (the web view) and GET /healthz. No demo data, no demo users:
add users first with 'audit-trail users add NAME --role site_manager'.

Settings (environment, or the same names as keys of the --config JSON file; the environment
wins over the file, the options below win over both):
  ${WEB_ENV.port}          port (default 3000)            --port
  ${WEB_ENV.host}          address to bind (default 127.0.0.1) --host
  ${WEB_ENV.dataDir}      users, sessions, session secret (required outside a source checkout)
  ${WEB_ENV.secure}        1 behind a TLS reverse proxy: Secure cookies, HSTS
  ${WEB_ENV.trustProxy}   proxies to trust: hop count (1) or addresses/subnets; default none
  ${WEB_ENV.namespace}     read only this namespace (default: every audit data stream)
  ${WEB_ENV.timeZone}     time zone of server-rendered times (default: the server's)
  ${WEB_ENV.sessionSecret} session cookie secret, 32+ characters (environment only;
                           default: generated once into the data directory)
  ${WEB_ENV.apiCorsOrigins} browser origins allowed to call /api (default none)
  ${WEB_ENV.apiRateLimit}   API requests per token and minute (default 600)
  ${WEB_ENV.oidcIssuer}, ${WEB_ENV.oidcClientId}, ${WEB_ENV.oidcRedirectUri}
                           single sign-on (OpenID Connect); see the README for the other
                           AUDIT_WEB_OIDC_* settings (client secret, role claim and map,
                           post-logout redirect URI, …)
  ${WEB_ENV.verifyKeys}    public key PEM files (comma-separated) the Integrity page verifies
                           checkpoints with, besides the data directory's keys/*.pub.pem
  ${SIGNING_KEY_ENV}  Ed25519 private key (PEM) signing the checkpoints of the web
                           view's own audit events (sign-ins, reads); default: a key pair made
                           once in the data directory's keys/ (give keys/signing.pub.pem to auditors)
  OPENSEARCH_URL, OPENSEARCH_USERNAME, OPENSEARCH_PASSWORD(_FILE), OPENSEARCH_CA_FILE, … the cluster

Refused (exit 2): binding a non-loopback address without ${WEB_ENV.secure}=1; ${WEB_ENV.secure}=1
without ${WEB_ENV.trustProxy}; no users yet (unless single sign-on is set); a session secret
under 32 characters.
GET /healthz: 200 {"status":"ok"} when OpenSearch answers, 503 otherwise (no sign-in, no data).
Every sign-in and sign-out, read of the audit log (list, event, export, API, the Integrity page and
its verification runs) and token created or revoked on Manage > Tokens is recorded as an
audit event of service audit-trail-web into the namespace read (default: default), through a
spool in <data dir>/spool (kept while OpenSearch is away, sent when it answers).
SIGTERM or SIGINT: stops accepting connections, finishes requests in flight (10 s at most),
closes the database, sends the auditors' events (10 s at most; the rest stay spooled), exits 0.
${COMMON_HELP}

Exit codes: 0 stopped by SIGTERM/SIGINT, 1 failed (port in use, …), 2 unsafe or wrong configuration`;

/** Refuses settings that would be unsafe or silently broken in production. */
export function checkServeSettings(settings: WebSettings, env: NodeJS.ProcessEnv): void {
  if (!isLoopbackHost(settings.host) && !settings.secure) {
    throw new ConfigurationError(WEB_ENV.host, `is ${settings.host}, reachable from other machines, and ${WEB_ENV.secure} is not set: put the web view behind a TLS reverse proxy and set ${WEB_ENV.secure}=1 and ${WEB_ENV.trustProxy}=1 (its hop count or address), or bind ${WEB_ENV.host}=127.0.0.1`);
  }
  if (settings.secure && settings.trustProxy === false) {
    throw new ConfigurationError(WEB_ENV.trustProxy, `is not set while ${WEB_ENV.secure}=1: the app only learns that the request came over https from the proxy's X-Forwarded-Proto, so sign-in cookies would never be set; set ${WEB_ENV.trustProxy} to the number of proxies in front (1) or their addresses`);
  }
  const secret = env[WEB_ENV.sessionSecret];
  if (secret !== undefined && secret !== '' && secret.length < 32) {
    throw new ConfigurationError(WEB_ENV.sessionSecret, `is shorter than 32 characters: give a longer random one (openssl rand -base64 32), or unset it to use the one generated into the data directory`);
  }
}

export interface ServeOptions {
  cluster: Cluster;
  settings: WebSettings;
  dataDir: string;
  log: (line: string) => void;
  /** Where `AUDIT_TRAIL_SIGNING_KEY_FILE` is read. Default: the process environment. */
  env?: NodeJS.ProcessEnv;
}

/** Starts the web view on the cluster; says whether OpenSearch answers (the view answers 503 until it does). */
export async function serveWeb(options: ServeOptions): Promise<WebServer> {
  const { cluster, settings } = options;
  await cluster.client.info({}, { requestTimeout: 5000, maxRetries: 0 }).then(
    (info) => options.log(`[serve] OpenSearch ${(info.body as { version?: { number?: string } }).version?.number ?? ''} at ${cluster.shown}`),
    (error: unknown) => options.log(`[serve] warning: OpenSearch at ${cluster.shown} does not answer (${(error as Error).message}); the web view and /healthz answer 503 until it does`),
  );
  // The web view's own producer: sign-ins, sign-outs and every read of the audit log become audit events.
  const signingKey = producerSigningKey(options.dataDir, 'signing', options.env ?? process.env, options.log);
  // Checked before anything starts: a key file named but unreadable is a configuration error.
  const trusted = webVerifyKeys(options.dataDir, settings.verifyKeyFiles);
  const auditors = createAuditorRecorder({ client: cluster.client, ...(settings.namespace && { namespace: settings.namespace }), spoolDir: webSpoolDir(options.dataDir), signingKey, log: options.log });
  const web = await startWebServer({
    onAuditorAction: auditors.hook,
    client: cluster.client,
    verifyKeys: trusted.keys,
    port: settings.port,
    host: settings.host,
    dataDir: options.dataDir,
    secure: settings.secure,
    trustProxy: settings.trustProxy,
    ...(settings.namespace && { index: dataStreamName(settings.namespace) }),
    ...(settings.timeZone && { timeZone: settings.timeZone }),
    ...(settings.oidc && { oidc: settings.oidc }),
    ...(settings.apiCorsOrigins && { apiCorsOrigins: settings.apiCorsOrigins }),
    ...(settings.apiRateLimit && { apiRateLimit: { max: settings.apiRateLimit } }),
  }).catch(async (error: unknown) => {
    await auditors.close();
    throw error;
  });
  options.log(`[serve] Manage > Audit at ${web.url}/manage/audit (health: ${web.url}/healthz; data in ${options.dataDir})`);
  options.log(`[serve] Integrity page: ${trusted.keys.length ? `${trusted.keys.length} trusted ${trusted.keys.length === 1 ? 'key' : 'keys'} (${trusted.keys.map((k) => k.keyId).join(', ')})` : `no trusted key (set ${WEB_ENV.verifyKeys})`}; reports in ${join(options.dataDir, 'integrity')}`);
  options.log(`[serve] auditors' actions recorded as producer ${auditors.logger.transport.producerId} into ${auditors.logger.transport.dataStream} (spool ${webSpoolDir(options.dataDir)})`);
  // Retention runs daily (ISM, where present, is the backstop that deletes a little later).
  const stopRetention = startRetentionTimer(cluster.client, signingKey, auditors.hook, options.log);
  // Closing drains the web view first (its last requests are recorded), then the auditors' producer.
  return { ...web, close: () => (stopRetention(), web.close()).then(() => auditors.close()).then(() => undefined) };
}

/** Resolves with 0 once SIGTERM or SIGINT has drained the server. */
export function closeOnSignal(web: WebServer, cluster: Cluster, log: (line: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', stop).off('SIGINT', stop);
      log(`[serve] ${signal}: no new connections; finishing requests in flight`);
      void web
        .close()
        .then(() => cluster.client.close())
        .then(() => {
          log('[serve] stopped');
          resolve(EXIT.ok);
        });
    };
    process.on('SIGTERM', stop).on('SIGINT', stop);
  });
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the web view (Manage > Audit) and /healthz for production',
  help: HELP,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(args, { port: { type: 'string' }, host: { type: 'string' } });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const env = effectiveEnvironment(ctx, values.config);
    if (values.port !== undefined) env[WEB_ENV.port] = values.port;
    if (values.host !== undefined) env[WEB_ENV.host] = values.host;
    const settings = webSettingsFromEnvironment(env);
    checkServeSettings(settings, env);
    const dataDir = settings.dataDir ?? defaultDataDir();
    const users = new UserStore(openWebDatabase(dataDir));
    const count = users.list().length;
    users.close();
    if (!count && !settings.oidc) throw new ConfigurationError(WEB_ENV.dataDir, `holds no users yet (${dataDir}): add one with 'audit-trail users add NAME --role site_manager' (with the same ${WEB_ENV.dataDir}), then start serve again`);
    const cluster = clusterFromEnvironment(env, ctx);
    const web = await serveWeb({ cluster, settings, dataDir, log: ctx.err, env });
    ctx.out(`listening on ${web.url}`);
    return closeOnSignal(web, cluster, ctx.err);
  },
};
