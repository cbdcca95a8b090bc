// Drives the example workspace platform over HTTP (ephemeral port) with a clock spread over the last 30 days, so demo events are real ones.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { AuditSink } from '../../recorder/audit-logger.js';
import { createWorkspacePlatform } from '../example-service/platform.js';
import { prng } from './generate.js';

export interface DriveOptions {
  /** Where the service's events go. Required. */
  sink: AuditSink;
  /** HMAC key of the service's secret diffs. Required. */
  hmacKey: string | Buffer;
  /** Requests of the random phase (the scheduler adds its own events). Default 2000. */
  count?: number;
  /** End of the 30-day window. Default: now. */
  now?: Date;
  /** PRNG seed. Default 42. */
  seed?: number;
  /** Progress: requests done out of the total. */
  onStep?: (done: number, total: number) => void;
  /** Told when auditing fails inside the service. Default: `console.warn`. */
  onAuditError?: (error: unknown) => void;
}

export interface DriveResult {
  /** HTTP requests made. */
  requests: number;
  /** Events handed to the sink (requests plus scheduler actions). */
  events: number;
}

interface Person { username: string; email: string; password: string; ip: string; agent: string; token?: string }

const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  'platform-cli/1.42.0 (linux/amd64)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
];
const DAY = 24 * 3600_000;
const WEIGHTS = { login: 14, connect: 12, open: 10, ssh: 10, write: 9, create: 7, stop: 6, view: 5, enqueue: 4, delete: 3, cordon: 1, uncordon: 1 } as const;
type Step = keyof typeof WEIGHTS;

/** Runs the scenario against a fresh in-process service; resolves once every event was handed to the sink. */
export async function driveWorkspacePlatform(options: DriveOptions): Promise<DriveResult> {
  const end = (options.now ?? new Date()).getTime();
  const start = end - 30 * DAY;
  const rand = prng(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  let current = start;
  let events = 0;
  const sink: AuditSink = { record: (event) => (events++, options.sink.record(event)) };
  const platform = createWorkspacePlatform({ sink, hmacKey: options.hmacKey, clock: () => new Date(current), trustProxy: 'loopback', ...(options.onAuditError ? { onAuditError: options.onAuditError } : {}) });
  const server: Server = await new Promise((resolve) => {
    const s = platform.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const people: Person[] = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((username, i) => ({
    username, email: `${username}@example.com`, password: `${username}-password`, ip: `198.51.100.${11 + i * 17}`, agent: AGENTS[i % AGENTS.length] as string,
  }));
  const [alice, bob] = people as [Person, Person];
  const total = (options.count ?? 2000) + 40;
  let requests = 0;

  const call = async (who: Person, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-forwarded-for': who.ip, 'user-agent': who.agent };
    if (who.token) headers.authorization = `Bearer ${who.token}`;
    const res = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    requests++;
    options.onStep?.(requests, total);
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const login = async (who: Person, password = who.password) => {
    const res = await call(who, 'POST', '/login', { email: who.email, password });
    if (res.status === 200) who.token = res.json.token as string;
  };
  const tick = (ms: number) => {
    current += ms;
  };
  const workspacesOf = (who: Person) => [...platform.store.workspaces.values()].filter((w) => platform.store.users.get(w.ownerId)?.username === who.username);
  const mySecrets = (who: Person) => [...platform.store.secrets.values()].filter((s) => platform.store.users.get(s.ownerId)?.username === who.username);
  const imageIds = () => [...platform.store.images.keys()];
  const providerIds = () => [...platform.store.providers.keys()];
  const openProviders = () => [...platform.store.providers.values()].filter((p) => !p.cordoned).map((p) => p.id);
  const newWorkspace = (who: Person, autostartHour?: number) =>
    call(who, 'POST', '/workspaces', { name: `${who.username}-${pick(['dev', 'api', 'frontend', 'data'])}-${Math.floor(rand() * 100)}`, imageId: pick(imageIds()), providerId: pick(rand() < 0.95 && openProviders().length ? openProviders() : providerIds()), ...(autostartHour === undefined ? {} : { autostartHour }) });

  try {
    // Setup: the site manager signs in, creates accounts and an image; everyone signs in, gets a workspace and a secret.
    await login(alice);
    for (const who of people.slice(3)) {
      tick(120_000);
      await call(alice, 'POST', '/users', { username: who.username, email: who.email, password: who.password, roles: who.username === 'erin' ? ['member', 'template_admin'] : ['member'] });
    }
    await call(alice, 'POST', '/images', { repository: 'python', tag: '3.12', description: 'Python 3.12 toolchain' });
    const autostartHour = new Date(start + 3 * 3600_000).getUTCHours();
    for (const who of people.filter((p) => p.username !== 'carol')) {
      tick(90_000);
      await login(who);
      await newWorkspace(who, who === bob ? autostartHour : undefined);
      await call(who, 'POST', '/secrets', { name: pick(['GITHUB_TOKEN', 'NPM_TOKEN', 'AWS_ACCESS_KEY']), value: `s3cr3t-${Math.floor(rand() * 1e9)}`, description: 'for the CLI' });
    }
    // Every user action once, then the scheduler: bob's stopped workspace auto-starts, idle ones turn off.
    const bobWs = workspacesOf(bob)[0]?.id as string;
    for (const action of ['connect', 'open', 'ssh', 'stop'] as const) await call(bob, 'POST', `/workspaces/${bobWs}/${action}`, {});
    await call(bob, 'PATCH', `/workspaces/${bobWs}`, { resources: { cpu: 4 }, labels: ['team-a'] });
    await call(bob, 'POST', `/workspaces/${bobWs}/builds`, {});
    await call(bob, 'GET', `/secrets/${mySecrets(bob)[0]?.id}`);
    await call(alice, 'POST', '/providers/wp-us-east-k8s/cordon', { reason: 'kernel upgrade' });
    tick(30 * 60_000);
    await call(alice, 'POST', '/providers/wp-us-east-k8s/uncordon', {});
    await call(alice, 'DELETE', '/images/img-python-3.12');
    current = start + 3 * 3600_000 + 60_000;
    platform.runScheduler();
    current = start + 6 * 3600_000;
    platform.runScheduler();

    // Random phase: weighted actions at random times until the end of the window, with a scheduler pass before each.
    const weighted = (Object.keys(WEIGHTS) as Step[]).flatMap((s) => Array<Step>(WEIGHTS[s]).fill(s));
    const count = options.count ?? 2000;
    const times = Array.from({ length: count }, () => start + 6 * 3600_000 + Math.floor(rand() * (end - start - 6 * 3600_000))).sort((a, b) => a - b);
    for (const time of times) {
      current = time;
      platform.runScheduler();
      const step = pick(weighted);
      const who = pick(people.filter((p) => p.username !== 'carol' || step === 'login' || step === 'view'));
      const ws = workspacesOf(who);
      const w = ws.length ? pick(ws) : undefined;
      switch (step) {
        case 'login':
          await login(who, rand() < 0.12 ? 'wrong-password' : who.password);
          break;
        case 'connect': case 'open': case 'ssh': case 'stop':
          if (w) await call(who, 'POST', `/workspaces/${w.id}/${step}`, step === 'open' ? { ide: pick(['vscode-web', 'jupyter', 'jetbrains-gateway']) } : {});
          else await newWorkspace(who);
          break;
        case 'write': {
          const r = rand();
          if (r < 0.15) await call(alice, 'PATCH', `/users/${pick([...platform.store.users.values()].filter((u) => !u.roles.includes('site_manager'))).id}`, { roles: pick([['member'], ['member', 'auditor'], ['member', 'template_admin']]) });
          else if (r < 0.3 && mySecrets(who).length) await call(who, 'PUT', `/secrets/${pick(mySecrets(who)).id}`, { value: `s3cr3t-${Math.floor(rand() * 1e9)}` });
          else if (w) await call(who, 'PATCH', `/workspaces/${w.id}`, rand() < 0.05 ? { imageId: 'img-missing' } : { resources: { cpu: pick([2, 4, 8]), memoryGb: pick([4, 8, 16]) }, autoOffIdleMinutes: pick([240, 480, 720]) });
          break;
        }
        case 'create':
          if (rand() < 0.15) await call(who, 'POST', '/images', { repository: pick(['golang', 'rust', 'python', 'node']), tag: pick(['1.23', '1.83', '3.12', '22', 'latest']) });
          else await newWorkspace(who, rand() < 0.3 ? Math.floor(rand() * 24) : undefined);
          break;
        case 'view': {
          const secrets = [...platform.store.secrets.values()];
          if (secrets.length) await call(who, 'GET', `/secrets/${(rand() < 0.85 ? (mySecrets(who)[0] ?? pick(secrets)) : pick(secrets)).id}`);
          break;
        }
        case 'enqueue':
          if (w) await call(who, 'POST', `/workspaces/${w.id}/builds`, {});
          break;
        case 'delete':
          if (rand() < 0.2) await call(who, 'DELETE', `/images/${pick(imageIds())}`);
          else if (w && ws.length > 1) await call(who, 'DELETE', `/workspaces/${w.id}`);
          break;
        case 'cordon': case 'uncordon':
          await call(alice, 'POST', `/providers/${pick(providerIds())}/${step}`, { reason: pick(['maintenance', 'kernel upgrade', 'capacity']) });
          break;
      }
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // events are written just after each response finished: let the last ones through
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  options.onStep?.(total, total);
  return { requests, events };
}
