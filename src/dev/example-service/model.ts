// Example workspace platform: its resources, their audit field policies, and an in-memory store.
import { randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { definePolicy, ignore, nested, secret, track } from '../../recorder/field-policy.js';

export interface User {
  id: string;
  username: string;
  email: string;
  roles: string[];
  hashedPassword: string;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt?: Date;
}

export interface WorkspaceResources {
  cpu: number;
  memoryGb: number;
  diskGb: number;
}

export interface Workspace {
  id: string;
  name: string;
  ownerId: string;
  imageId: string;
  providerId: string;
  state: 'running' | 'stopped';
  /** Hour of day (UTC) at which the scheduler starts it, if any. */
  autostartHour?: number;
  /** Minutes without use after which the scheduler turns it off. */
  autoOffIdleMinutes: number;
  resources: WorkspaceResources;
  labels: string[];
  createdAt: Date;
  updatedAt: Date;
  lastUsedAt: Date;
}

export interface Image {
  id: string;
  repository: string;
  tag: string;
  description: string;
  createdAt: Date;
}

export interface Provider {
  id: string;
  name: string;
  region: string;
  cordoned: boolean;
  cordonReason?: string;
  apiToken: string;
  updatedAt: Date;
}

export interface Secret {
  id: string;
  name: string;
  value: string;
  description: string;
  ownerId: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface Job {
  id: string;
  kind: 'workspace_build' | 'user_deletion' | 'workspace_deletion';
  targetId: string;
  state: 'queued' | 'running' | 'done';
  createdAt: Date;
}

/** Audit field policies: every field of every type is classified (a missing one is a compile error). */
export const POLICIES = {
  user: definePolicy<User>('user', {
    id: track,
    username: track,
    email: track,
    roles: track,
    hashedPassword: secret,
    createdAt: track,
    updatedAt: ignore('changes on every write; the event time says when'),
    lastLoginAt: ignore('login events record this'),
  }),
  workspace: definePolicy<Workspace>('workspace', {
    id: track,
    name: track,
    ownerId: track,
    imageId: track,
    providerId: track,
    state: track,
    autostartHour: track,
    autoOffIdleMinutes: track,
    resources: nested<WorkspaceResources>({ cpu: track, memoryGb: track, diskGb: track }),
    labels: track,
    createdAt: track,
    updatedAt: ignore('changes on every write; the event time says when'),
    lastUsedAt: ignore('changes on every connection; connect/open/ssh events record use'),
  }),
  image: definePolicy<Image>('image', { id: track, repository: track, tag: track, description: track, createdAt: track }),
  workspace_provider: definePolicy<Provider>('workspace_provider', {
    id: track,
    name: track,
    region: track,
    cordoned: track,
    cordonReason: track,
    apiToken: secret,
    updatedAt: ignore('changes on every write; the event time says when'),
  }),
  secret: definePolicy<Secret>('secret', {
    id: track,
    name: track,
    value: secret,
    description: track,
    ownerId: track,
    createdAt: track,
    updatedAt: ignore('changes on every write; the event time says when'),
  }),
  job: definePolicy<Job>('job', { id: track, kind: track, targetId: track, state: track, createdAt: track }),
} as const;

/** Password hashing for the example (scrypt with a per-user salt). */
export function hashPassword(password: string, salt = randomUUID()): string {
  return `scrypt:${salt}:${scryptSync(password, salt, 32, { N: 1024 }).toString('hex')}`;
}
export function checkPassword(password: string, stored: string): boolean {
  const [, salt, hash] = stored.split(':');
  if (!salt || !hash) return false;
  const given = scryptSync(password, salt, 32, { N: 1024 });
  return timingSafeEqual(given, Buffer.from(hash, 'hex'));
}

/** The platform's state, in memory. */
export interface Store {
  users: Map<string, User>;
  workspaces: Map<string, Workspace>;
  images: Map<string, Image>;
  providers: Map<string, Provider>;
  secrets: Map<string, Secret>;
  jobs: Map<string, Job>;
  /** Session tokens → user id. */
  tokens: Map<string, string>;
}

/** Initial accounts of the example (password of each: `<username>-password`). */
export const BOOTSTRAP_USERS = [
  { id: 'u-1001', username: 'alice', email: 'alice@example.com', roles: ['site_manager'] },
  { id: 'u-1002', username: 'bob', email: 'bob@example.com', roles: ['member'] },
  { id: 'u-1003', username: 'carol', email: 'carol@example.com', roles: ['auditor'] },
] as const;

/** A store with the bootstrap accounts, two images and two providers (not audited: they pre-exist). */
export function createStore(now: Date): Store {
  const store: Store = { users: new Map(), workspaces: new Map(), images: new Map(), providers: new Map(), secrets: new Map(), jobs: new Map(), tokens: new Map() };
  for (const u of BOOTSTRAP_USERS) {
    store.users.set(u.id, { ...u, roles: [...u.roles], hashedPassword: hashPassword(`${u.username}-password`), createdAt: now, updatedAt: now });
  }
  for (const [repository, tag] of [['ubuntu', '22.04'], ['node', '20']] as const) {
    const id = `img-${repository}-${tag}`;
    store.images.set(id, { id, repository, tag, description: `${repository} ${tag}`, createdAt: now });
  }
  for (const [name, region] of [['eu-west-k8s', 'eu-west-1'], ['us-east-k8s', 'us-east-1']] as const) {
    const id = `wp-${name}`;
    store.providers.set(id, { id, name, region, cordoned: false, apiToken: `tok-${randomUUID()}`, updatedAt: now });
  }
  return store;
}
