// Starts the web view on a port: opens the data directory (users, sessions, secret), listens, and drains gracefully on close.
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Client } from '@opensearch-project/opensearch';
import { defaultDataDir, openWebDatabase } from './auth/data.js';
import { loadSessionSecret } from './auth/session.js';
import { UserStore } from './auth/users.js';
import { webSettingsFromEnvironment } from './settings.js';
import { createWebApp, type WebAppOptions } from './web-app.js';
import { connectionFromEnvironment, createOpenSearchClient, type ConnectionOptions } from '../storage/connection.js';

export interface WebServerOptions extends Partial<Omit<WebAppOptions, 'client' | 'stopping'>> {
  /** OpenSearch client to read with. Default: a client for `connection`. */
  client?: Client;
  /** How to reach the cluster when no `client` is given. Default: `connectionFromEnvironment()`. */
  connection?: ConnectionOptions;
  /** Port to listen on (0 = any free port). Default `AUDIT_WEB_PORT` or 3000. */
  port?: number;
  /** Address to bind. Default `AUDIT_WEB_HOST` or 127.0.0.1. */
  host?: string;
  /** Where users, sessions and the session secret live. Default `AUDIT_WEB_DATA_DIR` or `.cache/web` of a source checkout. */
  dataDir?: string;
  /** How long `close()` waits for requests in flight before cutting them. Default 10000 ms. */
  shutdownTimeoutMs?: number;
}

export interface WebServer {
  url: string;
  server: Server;
  users: UserStore;
  /** Stops accepting connections, lets requests in flight finish (up to `shutdownTimeoutMs`), then closes the database. */
  close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions = {}): Promise<WebServer> {
  const client = options.client ?? createOpenSearchClient(options.connection ?? connectionFromEnvironment(process.env));
  // Defaults from the environment only for what the caller left out (a bad variable that is overridden does not matter).
  const fromEnv = options.port === undefined || options.host === undefined || options.secure === undefined || options.trustProxy === undefined || options.sessionLifetime === undefined ? webSettingsFromEnvironment() : undefined;
  const dir = options.dataDir ?? defaultDataDir();
  const db = options.sessionDb ?? openWebDatabase(dir);
  const users = options.users ?? new UserStore(db);
  let stopping = false;
  const app = createWebApp({
    ...options,
    client,
    users,
    sessionDb: db,
    sessionSecret: options.sessionSecret ?? loadSessionSecret(dir),
    secure: options.secure ?? fromEnv!.secure,
    trustProxy: options.trustProxy ?? fromEnv!.trustProxy,
    stopping: () => stopping,
    integrityDir: options.integrityDir ?? join(dir, 'integrity'),
    sessionLifetime: options.sessionLifetime ?? (fromEnv!.sessionHours ? { absoluteMs: fromEnv!.sessionHours * 3600_000 } : {}),
  });
  const port = options.port ?? fromEnv!.port;
  const host = options.host ?? fromEnv!.host;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  // A wildcard bind is reachable on loopback too; an IPv6 literal needs brackets in a URL.
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}`,
    server,
    users,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        stopping = true;
        // Idle keep-alive connections are closed as soon as they turn idle; busy ones finish their request first.
        const idle = setInterval(() => server.closeIdleConnections(), 100);
        const force = setTimeout(() => server.closeAllConnections(), options.shutdownTimeoutMs ?? 10_000);
        server.close(() => {
          clearInterval(idle);
          clearTimeout(force);
          if (!options.sessionDb) db.close();
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}
