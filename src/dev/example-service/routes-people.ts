// Example service routes for people and their secrets: login, users, secrets (login, create, write, view, enqueue).
import { randomBytes, randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { POLICIES, checkPassword, hashPassword, type Job, type Secret, type User } from './model.js';
import { authenticate, bodyString, diffOf, param, userOf, type ServiceContext } from './context.js';

export function peopleRoutes(ctx: ServiceContext): Router {
  const r = Router();
  const auth = authenticate(ctx);

  r.post('/login', (req, res) => {
    const email = bodyString(req, 'email') ?? '';
    const user = [...ctx.store.users.values()].find((u) => u.email === email);
    req.audit({ action: 'login', resource: { type: 'user', id: user?.id ?? 'unknown', target: email || 'unknown' }, details: { method: 'password' } });
    if (!user || !checkPassword(bodyString(req, 'password') ?? '', user.hashedPassword)) {
      res.status(401).json({ error: 'wrong e-mail or password' });
      return;
    }
    user.lastLoginAt = ctx.clock();
    ctx.who.set(req, user);
    const token = randomBytes(24).toString('base64url');
    ctx.store.tokens.set(token, user.id);
    res.json({ token, user: { id: user.id, username: user.username } });
  });

  r.post('/users', auth, (req, res) => {
    const username = bodyString(req, 'username');
    const email = bodyString(req, 'email');
    const id = `u-${randomUUID().slice(0, 8)}`;
    const declaration = { action: 'create' as const, resource: { type: 'user' as const, id, target: email ?? 'unknown' } };
    if (!userOf(ctx, req).roles.includes('site_manager')) {
      req.audit({ ...declaration, reason: 'only a site manager can create users' });
      res.status(403).json({ error: 'only a site manager can create users' });
      return;
    }
    if (!username || !email || !bodyString(req, 'password')) {
      req.audit({ ...declaration, reason: 'username, email and password are required' });
      res.status(400).json({ error: 'username, email and password are required' });
      return;
    }
    const now = ctx.clock();
    const roles = Array.isArray(req.body.roles) ? (req.body.roles as unknown[]).filter((x): x is string => typeof x === 'string') : ['member'];
    const user: User = { id, username, email, roles, hashedPassword: hashPassword(bodyString(req, 'password') as string), createdAt: now, updatedAt: now };
    ctx.store.users.set(id, user);
    req.audit({ ...declaration, diff: diffOf(ctx, POLICIES.user, undefined, user) });
    res.status(201).json({ id });
  });

  r.patch('/users/:id', auth, (req, res) => {
    const before = ctx.store.users.get(param(req, 'id'));
    const me = userOf(ctx, req);
    if (!before) {
      res.status(404).json({ error: 'no such user' });
      return;
    }
    const declaration = { action: 'write' as const, resource: { type: 'user' as const, id: before.id, target: before.email } };
    if (me.id !== before.id && !me.roles.includes('site_manager')) {
      req.audit(declaration);
      res.status(403).json({ error: 'you can change only your own account' });
      return;
    }
    const after: User = { ...before, roles: [...before.roles], updatedAt: ctx.clock() };
    if (Array.isArray(req.body.roles) && me.roles.includes('site_manager')) after.roles = (req.body.roles as unknown[]).filter((x): x is string => typeof x === 'string');
    if (bodyString(req, 'password')) after.hashedPassword = hashPassword(bodyString(req, 'password') as string);
    if (bodyString(req, 'username')) after.username = bodyString(req, 'username') as string;
    ctx.store.users.set(after.id, after);
    req.audit({ ...declaration, diff: diffOf(ctx, POLICIES.user, before, after) });
    res.json({ id: after.id });
  });

  r.delete('/users/:id', auth, (req, res) => {
    const target = ctx.store.users.get(param(req, 'id'));
    const jobId = `job-${randomUUID().slice(0, 8)}`;
    req.audit({ action: 'enqueue', resource: { type: 'job', id: jobId, target: `user deletion ${target?.email ?? param(req, 'id')}` } });
    if (!userOf(ctx, req).roles.includes('site_manager')) {
      res.status(403).json({ error: 'only a site manager can delete users' });
      return;
    }
    if (!target) {
      res.status(404).json({ error: 'no such user' });
      return;
    }
    const job: Job = { id: jobId, kind: 'user_deletion', targetId: target.id, state: 'queued', createdAt: ctx.clock() };
    ctx.store.jobs.set(job.id, job);
    res.status(202).json({ job: job.id });
  });

  r.post('/secrets', auth, (req, res) => {
    const name = bodyString(req, 'name');
    const value = bodyString(req, 'value');
    const id = `sec-${randomUUID().slice(0, 8)}`;
    const declaration = { action: 'create' as const, resource: { type: 'secret' as const, id, target: name ?? 'unknown' } };
    if (!name || !value) {
      req.audit(declaration);
      res.status(400).json({ error: 'name and value are required' });
      return;
    }
    const now = ctx.clock();
    const secret: Secret = { id, name, value, description: bodyString(req, 'description') ?? '', ownerId: userOf(ctx, req).id, createdAt: now, updatedAt: now };
    ctx.store.secrets.set(id, secret);
    req.audit({ ...declaration, diff: diffOf(ctx, POLICIES.secret, undefined, secret) });
    res.status(201).json({ id });
  });

  const ownSecret = (req: Request) => {
    const secret = ctx.store.secrets.get(param(req, 'id'));
    return secret && secret.ownerId === userOf(ctx, req).id ? secret : undefined;
  };

  r.get('/secrets/:id', auth, (req, res) => {
    const secret = ownSecret(req);
    req.audit({ action: 'view', resource: { type: 'secret', id: param(req, 'id'), target: secret?.name ?? param(req, 'id') }, details: { client: req.get('user-agent')?.startsWith('platform-cli') ? 'cli' : 'web' } });
    if (!secret) {
      res.status(404).json({ error: 'no such secret of yours' });
      return;
    }
    res.json({ name: secret.name, value: secret.value });
  });

  r.put('/secrets/:id', auth, (req, res) => {
    const before = ownSecret(req);
    if (!before) {
      res.status(404).json({ error: 'no such secret of yours' });
      return;
    }
    const after: Secret = { ...before, value: bodyString(req, 'value') ?? before.value, description: bodyString(req, 'description') ?? before.description, updatedAt: ctx.clock() };
    ctx.store.secrets.set(after.id, after);
    req.audit({ action: 'write', resource: { type: 'secret', id: after.id, target: after.name }, diff: diffOf(ctx, POLICIES.secret, before, after) });
    res.json({ id: after.id });
  });

  return r;
}
