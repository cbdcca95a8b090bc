// Starts the web view on a port: opens the data directory (users, sessions, secret) and listens.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@opensearch-project/opensearch';
import { defaultDataDir, openWebDatabase } from './auth/data.js';
import { loadSessionSecret, sessionLifetimeFromEnv } from './auth/session.js';
import { UserStore } from './auth/users.js';
import { createWebApp, type WebAppOptions } from './web-app.js';
import { connectionFromEnvironment, createOpenSearchClient, type ConnectionOptions } from '../storage/connection.js';

export interface WebServerOptions extends Partial<Omit<WebAppOptions, 'client'>> {
  /** OpenSearch client to read with. Default: a client for `connection`. */
  client?: Client;
  /** How to reach the cluster when no `client` is given. Default: `connectionFromEnvironment()`. */
  connection?: ConnectionOptions;
  /** Port to listen on (0 = any free port). Default `AUDIT_WEB_PORT` or 3000. */
  port?: number;
  /** Address to bind. Default `AUDIT_WEB_HOST` or 127.0.0.1. */
  host?: string;
  /** Where users, sessions and the session secret live. Default `AUDIT_WEB_DATA_DIR` or `.cache/web`. */
  dataDir?: string;
}

export interface WebServer {
  url: string;
  server: Server;
  users: UserStore;
  close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions = {}): Promise<WebServer> {
  const client = options.client ?? createOpenSearchClient(options.connection ?? connectionFromEnvironment(process.env));
  const dir = options.dataDir ?? defaultDataDir();
  const db = options.sessionDb ?? openWebDatabase(dir);
  const users = options.users ?? new UserStore(db);
  const app = createWebApp({ ...options, client, users, sessionDb: db, sessionSecret: options.sessionSecret ?? loadSessionSecret(dir), secure: options.secure ?? process.env.AUDIT_WEB_SECURE === '1', sessionLifetime: options.sessionLifetime ?? sessionLifetimeFromEnv() });
  const port = options.port ?? Number(process.env.AUDIT_WEB_PORT ?? 3000);
  const host = options.host ?? process.env.AUDIT_WEB_HOST ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    server,
    users,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          if (!options.sessionDb) db.close();
          resolve();
        });
      }),
  };
}
