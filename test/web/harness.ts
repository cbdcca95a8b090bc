// Web test harness: a namespace seeded with known events, the web view on a free port, users of each role, Chromium.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Client } from '@opensearch-project/opensearch';
import { chromium, type BrowserContext } from 'playwright-core';
import { validateEvent, type AuditEvent, type AuditEventInput } from '../../src/model/event.js';
import { toEcsDocument } from '../../src/model/ecs-document.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { dataStreamName } from '../../src/storage/template.js';
import { openWebDatabase } from '../../src/web/auth/data.js';
import { UserStore } from '../../src/web/auth/users.js';
import { startWebServer, type WebServer, type WebServerOptions } from '../../src/web/server.js';
import type { Role } from '../../src/model/vocabulary.js';

export const PASSWORD = 'correct horse battery staple';
/** One signed-up user per role. */
export const ACCOUNTS: Record<Role, string> = { site_manager: 'sam', auditor: 'aude', member: 'mem' };

/** Writes events straight to the namespace's data stream (bulk create, id = event id) and refreshes. */
export async function seedEvents(client: Client, namespace: string, inputs: AuditEventInput[]): Promise<AuditEvent[]> {
  await setupAuditStorage(client, { namespace });
  const events = inputs.map((e) => validateEvent(e));
  const index = dataStreamName(namespace);
  const body = events.flatMap((e) => [{ create: { _index: index, _id: e.id } }, toEcsDocument(e, { producer: 'web-test' })]);
  const res = await client.bulk({ body, refresh: true } as never);
  if ((res.body as { errors: boolean }).errors) throw new Error(`seeding failed: ${JSON.stringify(res.body).slice(0, 500)}`);
  return events;
}

export interface Harness {
  web: WebServer;
  dataDir: string;
  secret: string;
  /** Starts another server on the same data directory and secret (a restart). */
  restart(extra?: Partial<WebServerOptions>): Promise<WebServer>;
  close(): Promise<void>;
}

/** Starts the web view over `index` with a temp data directory holding one user per role. */
export async function startHarness(client: Client, index: string, extra: Partial<WebServerOptions> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'audit-web-'));
  const secret = randomBytes(32).toString('hex');
  const db = openWebDatabase(dataDir);
  const users = new UserStore(db);
  for (const [role, name] of Object.entries(ACCOUNTS)) await users.add(name, role as Role, PASSWORD);
  db.close();
  const servers: WebServer[] = [];
  const start = async (more: Partial<WebServerOptions> = {}): Promise<WebServer> => {
    const web = await startWebServer({ client, index, port: 0, dataDir, sessionSecret: secret, timeZone: 'UTC', ...extra, ...more });
    servers.push(web);
    return web;
  };
  const web = await start();
  return {
    web,
    dataDir,
    secret,
    restart: start,
    close: async () => {
      for (const s of servers) await s.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Real Chromium (Debian's), headless, with a fresh profile directory. */
export async function launchBrowser(options: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'audit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A minimal cookie-keeping HTTP client for route × role checks (no browser needed there). */
export class HttpSession {
  private cookie = '';
  constructor(private readonly base: string) {}

  async request(path: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(this.base + path, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, redirect: 'manual', ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}) });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('audit_trail.sid='));
    if (set) this.cookie = set;
    return res;
  }

  /** The CSRF token of a page's form. */
  async token(path = '/login'): Promise<string> {
    const html = await (await this.request(path)).text();
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no CSRF token on ${path}`);
    return match[1]!;
  }

  async signIn(username: string, password = PASSWORD): Promise<Response> {
    return this.request('/login', { form: { _csrf: await this.token(), username, password, next: '/manage/audit' } });
  }

  get cookieValue(): string {
    return this.cookie;
  }
  set cookieValue(value: string) {
    this.cookie = value;
  }
}
