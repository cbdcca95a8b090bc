// Shared context of the example service's routes: store, clock, who is signed in, diff helper.
import type { NextFunction, Request, Response } from 'express';
import { diffResources } from '../../recorder/diff.js';
import type { AuditActor } from '../../recorder/declaration.js';
import type { ResourcePolicy } from '../../recorder/field-policy.js';
import type { DiffEntry } from '../../model/event.js';
import type { Store, User } from './model.js';

export interface ServiceContext {
  store: Store;
  clock: () => Date;
  hmacKey: string | Buffer;
  /** Who made each request (set by `authenticate`). */
  who: WeakMap<Request, User>;
}

/** The audit actor for a user. */
export function actorOf(user: User): AuditActor {
  return { id: user.id, name: user.username, email: user.email, roles: [...user.roles] };
}

/** Resolves the bearer token (from `POST /login`) to a user; answers 401 when it is missing or unknown. */
export function authenticate(ctx: ServiceContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
    const user = token ? ctx.store.users.get(ctx.store.tokens.get(token) ?? '') : undefined;
    if (!user) {
      res.status(401).json({ error: 'sign in first: POST /login, then send "Authorization: Bearer <token>"' });
      return;
    }
    ctx.who.set(req, user);
    next();
  };
}

/** The signed-in user of a request that passed `authenticate`. */
export function userOf(ctx: ServiceContext, req: Request): User {
  const user = ctx.who.get(req);
  if (!user) throw new Error('route is missing authenticate()');
  return user;
}

/** Diff of two versions under the resource's field policy, with the service's HMAC key. */
export function diffOf<T extends object>(ctx: ServiceContext, policy: ResourcePolicy<T>, before: T | undefined, after: T | undefined): Record<string, DiffEntry> {
  return diffResources(policy, before, after, { hmacKey: ctx.hmacKey });
}

/** A route parameter as a string (Express 5 types allow arrays for wildcards). */
export function param(req: Request, name: string): string {
  const value = (req.params as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join('/') : (value ?? '');
}

/** A required string field of a JSON body, or undefined. */
export function bodyString(req: Request, name: string): string | undefined {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
