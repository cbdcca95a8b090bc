// Generates realistic demo audit events for all 14 actions over the last 30 days (deterministic per seed).
import type { AuditEventInput } from '../../model/event.js';
import { ACTIONS, type Action, type ResourceType } from '../../model/vocabulary.js';

interface DemoUser { id: string; name: string; email: string; roles: string[] }

export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'u-1001', name: 'alice', email: 'alice@example.com', roles: ['site_manager'] },
  { id: 'u-1002', name: 'bob', email: 'bob@example.com', roles: ['member'] },
  { id: 'u-1003', name: 'carol', email: 'carol@example.com', roles: ['auditor'] },
  { id: 'u-1004', name: 'dave', email: 'dave@example.com', roles: ['member'] },
  { id: 'u-1005', name: 'erin', email: 'erin@example.com', roles: ['member', 'template_admin'] },
  { id: 'u-1006', name: 'frank', email: 'frank@example.com', roles: ['member'] },
];
const SYSTEM = { id: 'system', name: 'system', type: 'system' as const, roles: [] };
const IMAGES = ['ubuntu-22.04', 'golang-1.23', 'node-20', 'python-3.12', 'rust-1.83'];
const PROVIDERS = ['eu-west-k8s', 'us-east-k8s', 'on-prem-docker'];
const SECRETS = ['GITHUB_TOKEN', 'NPM_TOKEN', 'AWS_ACCESS_KEY', 'DATABASE_URL'];
const POOLS = ['default-pool', 'gpu-pool'];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  'coder-cli/1.42.0 (linux/amd64)',
  'OpenSSH_9.6',
];
/** How often each action happens, relative to the others. */
const WEIGHTS: Record<Action, number> = {
  login: 14, connect: 12, open: 10, ssh: 10, write: 9, create: 7, stop: 6, auto_off: 6, auto_start: 5,
  view: 5, enqueue: 4, delete: 3, cordon: 1, uncordon: 1,
};

/** Small deterministic PRNG (mulberry32), so a seed always gives the same demo. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoOptions {
  /** Events to generate. Default 2000. */
  count?: number;
  /** End of the 30-day window. Default: now. */
  now?: Date;
  /** PRNG seed. Default 42. */
  seed?: number;
}

/** Builds `count` events, oldest first, covering every action at least once. */
export function generateDemoEvents(options: DemoOptions = {}): AuditEventInput[] {
  const count = options.count ?? 2000;
  const now = (options.now ?? new Date()).getTime();
  const rand = prng(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const weighted: Action[] = ACTIONS.flatMap((a) => Array<Action>(WEIGHTS[a]).fill(a));
  const span = 30 * 24 * 3600_000;
  const times = Array.from({ length: count }, () => now - Math.floor(rand() * span)).sort((a, b) => a - b);
  return times.map((time, i) => {
    const action = i < ACTIONS.length ? (ACTIONS[i] as Action) : pick(weighted);
    const user = pick(DEMO_USERS);
    const ws = `${user.name}-${pick(['dev', 'api', 'frontend', 'data'])}`;
    const failed = rand() < (action === 'login' ? 0.12 : 0.04);
    let resource: { type: ResourceType; id: string; target: string };
    let diff: AuditEventInput['diff'];
    switch (action) {
      case 'login':
        resource = { type: 'user', id: user.id, target: user.email };
        break;
      case 'cordon':
      case 'uncordon': {
        const p = pick(PROVIDERS);
        resource = { type: 'workspace_provider', id: `wp-${p}`, target: p };
        break;
      }
      case 'view': {
        const s = pick(SECRETS);
        resource = { type: 'secret', id: `sec-${s.toLowerCase()}`, target: s };
        break;
      }
      case 'enqueue':
        resource = { type: 'job', id: `job-${1000 + i}`, target: `build ${ws}` };
        break;
      case 'create':
      case 'delete': {
        const kind = pick(['workspace', 'image', 'dev_url'] as const);
        const target = kind === 'image' ? pick(IMAGES) : kind === 'dev_url' ? `${ws}.dev.example.com` : ws;
        resource = { type: kind, id: `${kind}-${target}`, target };
        break;
      }
      case 'write': {
        const kind = pick(['workspace', 'user', 'resource_pool'] as const);
        if (kind === 'user') {
          const other = pick(DEMO_USERS);
          resource = { type: 'user', id: other.id, target: other.email };
          diff = { roles: { old: other.roles, new: [...other.roles, 'auditor'] } };
        } else if (kind === 'resource_pool') {
          const pool = pick(POOLS);
          resource = { type: 'resource_pool', id: `pool-${pool}`, target: pool };
          diff = { cpu_limit: { old: 8, new: 16 } };
        } else {
          resource = { type: 'workspace', id: `ws-${ws}`, target: ws };
          diff = { image: { old: 'ubuntu-22.04', new: pick(IMAGES) }, autostart: { old: false, new: true } };
        }
        break;
      }
      default:
        resource = { type: 'workspace', id: `ws-${ws}`, target: ws };
    }
    const system = action === 'auto_off' || action === 'auto_start';
    const event: AuditEventInput = {
      time: new Date(time),
      action,
      actor: system ? SYSTEM : user,
      resource,
      outcome: failed ? 'failure' : 'success',
      details: { demo: true },
    };
    if (failed) event.reason = action === 'login' ? 'invalid password' : 'permission denied';
    if (!system) {
      event.source = { ip: `198.51.100.${1 + Math.floor(rand() * 250)}`, userAgent: action === 'ssh' ? 'OpenSSH_9.6' : pick(AGENTS), requestId: `req-${(time + i).toString(36)}` };
    }
    if (diff) event.diff = diff;
    return event;
  });
}
