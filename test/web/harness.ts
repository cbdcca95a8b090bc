// Web test harness: a namespace seeded with known events, the web view on a free port, users of each role, Chromium.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
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
export async function launchBrowser(options: { javaScriptEnabled?: boolean; timezoneId?: string } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'audit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A minimal cookie-keeping HTTP client for route × role checks (no browser needed there), optionally from another loopback address. */
export class HttpSession {
  private readonly cookies = new Map<string, string>();
  constructor(
    private readonly base: string,
    private readonly options: { localAddress?: string; headers?: Record<string, string> } = {},
  ) {}

  async request(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.options.headers, ...init.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await new Promise<Response>((resolve, reject) => {
      const req = httpRequest(this.base + path, { method: init.method ?? (body !== undefined ? 'POST' : 'GET'), headers, ...(this.options.localAddress ? { localAddress: this.options.localAddress } : {}) }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) for (const v of [value ?? []].flat()) responseHeaders.append(name, v);
          resolve(new Response(incoming.statusCode === 204 || incoming.statusCode === 304 ? null : Buffer.concat(chunks), { status: incoming.statusCode ?? 0, headers: responseHeaders }));
        });
        incoming.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
    for (const set of res.headers.getSetCookie()) {
      const [pair, ...attributes] = set.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const expired = attributes.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a)) || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(at + 1));
    }
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

  /** The session cookie (`audit_trail.sid=…`), to replay it elsewhere. */
  get cookieValue(): string {
    const sid = this.cookies.get('audit_trail.sid');
    return sid === undefined ? '' : `audit_trail.sid=${sid}`;
  }
  set cookieValue(value: string) {
    const at = value.indexOf('=');
    this.cookies.set(value.slice(0, at), value.slice(at + 1));
  }
}
