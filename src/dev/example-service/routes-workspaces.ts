// Example service routes for workspaces and the catalog: workspaces, images, providers, builds (create, write, delete, stop, connect, open, ssh, enqueue, cordon, uncordon).
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { POLICIES, type Image, type Job, type Provider, type Workspace } from './model.js';
import type { AuditDeclaration } from '../../recorder/declaration.js';
import { authenticate, bodyString, diffOf, param, userOf, type ServiceContext } from './context.js';

const isManager = (roles: readonly string[]) => roles.includes('site_manager');

export function workspaceRoutes(ctx: ServiceContext): Router {
  const r = Router();
  r.use(['/workspaces', '/images', '/providers'], authenticate(ctx));

  /** The workspace of the URL if the caller may act on it (owner or site manager); answers 404/403 otherwise. */
  const workspaceFor = (req: Request, res: Response): Workspace | undefined => {
    const ws = ctx.store.workspaces.get(param(req, 'id'));
    const me = userOf(ctx, req);
    if (!ws) res.status(404).json({ error: 'no such workspace' });
    else if (ws.ownerId !== me.id && !isManager(me.roles)) res.status(403).json({ error: 'not your workspace' });
    else return ws;
    return undefined;
  };
  const wsResource = (req: Request) => {
    const ws = ctx.store.workspaces.get(param(req, 'id'));
    return { type: 'workspace' as const, id: param(req, 'id'), target: ws?.name ?? param(req, 'id') };
  };

  r.post('/workspaces', (req, res) => {
    const name = bodyString(req, 'name');
    const id = `ws-${randomUUID().slice(0, 8)}`;
    const audit: AuditDeclaration = { action: 'create', resource: { type: 'workspace', id, target: name ?? 'unknown' } };
    req.audit(audit); // read when the response finishes: the diff is added below on success
    const image = ctx.store.images.get(bodyString(req, 'imageId') ?? '');
    const provider = ctx.store.providers.get(bodyString(req, 'providerId') ?? '');
    if (!name || !image || !provider) {
      res.status(400).json({ error: 'name, imageId and providerId (existing ones) are required' });
      return;
    }
    if (provider.cordoned) {
      res.status(409).json({ error: `provider ${provider.name} is cordoned: choose another one` });
      return;
    }
    const now = ctx.clock();
    const ws: Workspace = {
      id, name, ownerId: userOf(ctx, req).id, imageId: image.id, providerId: provider.id, state: 'running',
      autoOffIdleMinutes: 480, resources: { cpu: 2, memoryGb: 4, diskGb: 20 }, labels: [], createdAt: now, updatedAt: now, lastUsedAt: now,
    };
    if (typeof req.body.autostartHour === 'number') ws.autostartHour = req.body.autostartHour;
    ctx.store.workspaces.set(id, ws);
    audit.diff = diffOf(ctx, POLICIES.workspace, undefined, ws);
    res.status(201).json({ id });
  });

  r.patch('/workspaces/:id', (req, res) => {
    const audit: AuditDeclaration = { action: 'write', resource: wsResource(req) };
    req.audit(audit);
    const before = workspaceFor(req, res);
    if (!before) return;
    const body = req.body as Partial<Workspace>;
    const after: Workspace = { ...before, resources: { ...before.resources, ...(body.resources ?? {}) }, labels: body.labels ?? before.labels, updatedAt: ctx.clock() };
    if (body.imageId !== undefined) {
      if (!ctx.store.images.has(body.imageId)) throw new Error(`image ${body.imageId} does not exist`); // Express answers 500; the write is recorded as a failure
      after.imageId = body.imageId;
    }
    if (body.autostartHour !== undefined) after.autostartHour = body.autostartHour;
    if (body.autoOffIdleMinutes !== undefined) after.autoOffIdleMinutes = body.autoOffIdleMinutes;
    ctx.store.workspaces.set(after.id, after);
    audit.diff = diffOf(ctx, POLICIES.workspace, before, after);
    res.json({ id: after.id });
  });

  for (const action of ['stop', 'connect', 'open', 'ssh'] as const) {
    r.post(`/workspaces/:id/${action}`, (req, res) => {
      req.audit({ action, resource: wsResource(req), ...(action === 'open' ? { details: { ide: bodyString(req, 'ide') ?? 'vscode-web' } } : {}) });
      const ws = workspaceFor(req, res);
      if (!ws) return;
      const now = ctx.clock();
      // stop turns it off; connecting (connect, open, ssh) starts a stopped workspace first
      ctx.store.workspaces.set(ws.id, action === 'stop' ? { ...ws, state: 'stopped', updatedAt: now } : { ...ws, state: 'running', lastUsedAt: now });
      res.json({ id: ws.id, state: ctx.store.workspaces.get(ws.id)?.state });
    });
  }

  r.post('/workspaces/:id/builds', (req, res) => {
    const jobId = `job-${randomUUID().slice(0, 8)}`;
    req.audit({ action: 'enqueue', resource: { type: 'job', id: jobId, target: `workspace build ${wsResource(req).target}` } });
    const ws = workspaceFor(req, res);
    if (!ws) return;
    const job: Job = { id: jobId, kind: 'workspace_build', targetId: ws.id, state: 'queued', createdAt: ctx.clock() };
    ctx.store.jobs.set(job.id, job);
    res.status(202).json({ job: job.id });
  });

  r.delete('/workspaces/:id', (req, res) => {
    const audit: AuditDeclaration = { action: 'delete', resource: wsResource(req) };
    req.audit(audit);
    const ws = workspaceFor(req, res);
    if (!ws) return;
    ctx.store.workspaces.delete(ws.id);
    audit.diff = diffOf(ctx, POLICIES.workspace, ws, undefined);
    res.status(204).end();
  });

  r.post('/images', (req, res) => {
    const repository = bodyString(req, 'repository');
    const tag = bodyString(req, 'tag') ?? 'latest';
    const id = `img-${repository ?? 'unknown'}-${tag}`;
    const audit: AuditDeclaration = { action: 'create', resource: { type: 'image', id, target: `${repository ?? 'unknown'}:${tag}` } };
    req.audit(audit);
    if (!isManager(userOf(ctx, req).roles)) {
      res.status(403).json({ error: 'only a site manager can add images' });
      return;
    }
    if (!repository || ctx.store.images.has(id)) {
      res.status(repository ? 409 : 400).json({ error: repository ? 'this image already exists' : 'repository is required' });
      return;
    }
    const image: Image = { id, repository, tag, description: bodyString(req, 'description') ?? '', createdAt: ctx.clock() };
    ctx.store.images.set(id, image);
    audit.diff = diffOf(ctx, POLICIES.image, undefined, image);
    res.status(201).json({ id });
  });

  r.delete('/images/:id', (req, res) => {
    const image = ctx.store.images.get(param(req, 'id'));
    req.audit({ action: 'delete', resource: { type: 'image', id: param(req, 'id'), target: image ? `${image.repository}:${image.tag}` : param(req, 'id') } });
    if (!isManager(userOf(ctx, req).roles)) {
      res.status(403).json({ error: 'only a site manager can delete images' });
      return;
    }
    if (!image) {
      res.status(404).json({ error: 'no such image' });
      return;
    }
    ctx.store.images.delete(image.id);
    res.status(204).end();
  });

  for (const action of ['cordon', 'uncordon'] as const) {
    r.post(`/providers/:id/${action}`, (req, res) => {
      const before = ctx.store.providers.get(param(req, 'id'));
      const resource = { type: 'workspace_provider' as const, id: param(req, 'id'), target: before?.name ?? param(req, 'id') };
      const audit: AuditDeclaration = { action, resource };
      req.audit(audit);
      if (!isManager(userOf(ctx, req).roles)) {
        res.status(403).json({ error: `only a site manager can ${action} a provider` });
        return;
      }
      if (!before) {
        res.status(404).json({ error: 'no such provider' });
        return;
      }
      const after: Provider = { ...before, cordoned: action === 'cordon', updatedAt: ctx.clock() };
      if (action === 'cordon') after.cordonReason = bodyString(req, 'reason') ?? 'maintenance';
      else delete after.cordonReason;
      ctx.store.providers.set(after.id, after);
      audit.diff = diffOf(ctx, POLICIES.workspace_provider, before, after);
      res.json({ id: after.id, cordoned: after.cordoned });
    });
  }

  return r;
}
