import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import request from 'supertest';
import type { Client } from '@opensearch-project/opensearch';
import { validate as isUuid, version as uuidVersion } from 'uuid';
import { expect } from '../helpers/chai.js';
import { testClient, testOpenSearchUrl } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { storedDocuments } from '../helpers/documents.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { createAuditLogger, type AuditLogger, type AuditSink } from '../../src/recorder/audit-logger.js';
import { auditTrail, type AuditTrailOptions } from '../../src/recorder/middleware.js';

/** Polls until `condition` holds or 5 s passed (the assertion that follows then says what is missing). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** A test app: `x-user` names the actor; each route declares one event and answers as its name says. */
function testApp(sink: AuditSink, extra: Partial<AuditTrailOptions> = {}, trustProxy: boolean | string = false) {
  const app = express();
  app.set('trust proxy', trustProxy);
  app.use(auditTrail({
    sink,
    actor: (req: Request) => (req.get('x-user') ? { id: `u-${req.get('x-user')}`, name: req.get('x-user') as string, roles: ['member'] } : undefined),
    ...extra,
  }));
  const declare = (req: Request) => req.audit({ action: 'write', resource: { type: 'workspace', id: `ws-${req.path.slice(1)}`, target: req.path.slice(1) } });
  app.post('/ok', (req, res) => { declare(req); res.status(200).json({ ok: true }); });
  app.post('/redirect', (req, res) => { declare(req); res.redirect(302, '/ok'); });
  app.post('/forbidden', (req, res) => { declare(req); res.status(403).json({ error: 'no' }); });
  app.post('/broken', (req, res) => { declare(req); res.status(503).json({ error: 'down' }); });
  app.post('/throws', (req) => { declare(req); throw new Error('handler bug'); });
  app.post('/rejects', async (req) => { declare(req); await Promise.resolve(); throw new Error('async handler bug'); });
  app.post('/quiet', (_req, res) => { res.json({ ok: true }); });
  app.post('/slow', (req, res) => { declare(req); setTimeout(() => { if (!res.destroyed) res.json({ ok: true }); }, 300); });
  app.use((error: Error, _req: Request, res: express.Response, _next: express.NextFunction) => { res.status(500).json({ error: error.message }); });
  return app;
}

describe('Express middleware auditTrail() against a real app and OpenSearch', () => {
  let client: Client;
  let audit: AuditLogger;
  const namespace = freshNamespace();

  before(async () => {
    client = testClient();
    await setupAuditStorage(client, { namespace });
    audit = createAuditLogger({ node: testOpenSearchUrl(), namespace, serviceName: 'middleware-test', flushIntervalMs: 50 });
  });
  after(async () => {
    await audit.close();
    await dropNamespace(client, namespace);
  });

  /** The stored documents of one request id: polled until there are `expected` of them, or 10 s passed. */
  async function eventsOf(requestId: string, expected = 1): Promise<Record<string, any>[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      await audit.flush();
      const docs = await storedDocuments(client, namespace, { term: { 'http.request.id': requestId } });
      if (docs.length >= expected || Date.now() > deadline) return docs;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  describe('actor, user agent and request context', () => {
    it('records the actor from the resolver and the user agent', async () => {
      const res = await request(testApp(audit)).post('/ok').set('x-user', 'alice').set('user-agent', 'test-agent/1.0').expect(200);
      const [doc, ...more] = await eventsOf(res.get('x-request-id') as string);
      expect(more).to.have.length(0);
      expect(doc?.user).to.deep.include({ id: 'u-alice', name: 'alice', roles: ['member'] });
      expect(doc?.user_agent).to.deep.equal({ original: 'test-agent/1.0' });
      expect(doc?.event).to.include({ action: 'write', outcome: 'success' });
      expect(doc?.audit_trail.resource).to.deep.equal({ type: 'workspace', id: 'ws-ok', target: 'ok' });
      expect(doc?.service).to.deep.equal({ name: 'middleware-test' });
    });

    it('accepts an async actor resolver (e.g. a session lookup)', async () => {
      const app = testApp(audit, { actor: async (req) => { await new Promise((r) => setTimeout(r, 5)); return { id: `s-${req.get('x-session')}`, email: 'dana@example.com' }; } });
      const res = await request(app).post('/ok').set('x-session', '77').expect(200);
      const [doc] = await eventsOf(res.get('x-request-id') as string);
      expect(doc?.user).to.deep.include({ id: 's-77', email: 'dana@example.com' });
    });

    it('records an anonymous actor when the resolver finds nobody', async () => {
      const res = await request(testApp(audit)).post('/ok').expect(200);
      const [doc] = await eventsOf(res.get('x-request-id') as string);
      expect(doc?.user).to.deep.include({ id: 'anonymous', name: 'anonymous' });
    });

    it('writes nothing for a request that declared nothing', async () => {
      const app = testApp(audit);
      const quiet = await request(app).post('/quiet').expect(200);
      // A request that declared an event, answered after it: once its event is stored, the quiet one's would be too.
      const after = await request(app).post('/ok').expect(200);
      expect(await eventsOf(after.get('x-request-id') as string)).to.have.length(1);
      expect(await eventsOf(quiet.get('x-request-id') as string, 0)).to.have.length(0);
    });
  });

  describe('client IP and trust proxy', () => {
    it('takes the forwarded address when Express trusts the proxy', async () => {
      const res = await request(testApp(audit, {}, 'loopback')).post('/ok').set('x-forwarded-for', '203.0.113.9').expect(200);
      const [doc] = await eventsOf(res.get('x-request-id') as string);
      expect(doc?.client).to.deep.equal({ ip: '203.0.113.9' });
      expect(doc?.source).to.deep.equal({ ip: '203.0.113.9' });
    });

    it('ignores X-Forwarded-For when the proxy is not trusted (the socket address counts)', async () => {
      const res = await request(testApp(audit, {}, false)).post('/ok').set('x-forwarded-for', '203.0.113.9').expect(200);
      const [doc] = await eventsOf(res.get('x-request-id') as string);
      expect(doc?.client?.ip).to.be.oneOf(['127.0.0.1', '::1']);
    });
  });

  describe('request id', () => {
    it('keeps the caller’s request id, echoes it and stores it', async () => {
      const res = await request(testApp(audit)).post('/ok').set('x-request-id', 'req-from-gateway-42').expect(200);
      expect(res.get('x-request-id')).to.equal('req-from-gateway-42');
      expect(await eventsOf('req-from-gateway-42')).to.have.length(1);
    });

    it('generates a UUIDv7 when the request has none, and echoes it', async () => {
      const res = await request(testApp(audit)).post('/ok').expect(200);
      const id = res.get('x-request-id') as string;
      expect(isUuid(id) && uuidVersion(id)).to.equal(7);
      expect(await eventsOf(id)).to.have.length(1);
    });

    it('reads and echoes a configured header, and replaces an unusable id', async () => {
      const app = testApp(audit, { requestIdHeader: 'X-Correlation-Id' });
      const given = await request(app).post('/ok').set('x-correlation-id', 'corr-7').expect(200);
      expect(given.get('x-correlation-id')).to.equal('corr-7');
      expect(await eventsOf('corr-7')).to.have.length(1);
      const bad = await request(app).post('/ok').set('x-correlation-id', 'has spaces <script>').expect(200);
      expect(bad.get('x-correlation-id')).to.not.equal('has spaces <script>');
      expect(isUuid(bad.get('x-correlation-id') as string)).to.equal(true);
    });
  });

  describe('outcome from the response', () => {
    const cases: { path: string; status: number; outcome: string; reason?: RegExp }[] = [
      { path: '/ok', status: 200, outcome: 'success' },
      { path: '/redirect', status: 302, outcome: 'success' },
      { path: '/forbidden', status: 403, outcome: 'failure', reason: /^HTTP 403 Forbidden$/ },
      { path: '/broken', status: 503, outcome: 'failure', reason: /^HTTP 503/ },
      { path: '/throws', status: 500, outcome: 'failure', reason: /^HTTP 500/ },
      { path: '/rejects', status: 500, outcome: 'failure', reason: /^HTTP 500/ },
    ];
    for (const c of cases) {
      it(`${c.path} answering ${c.status} records ${c.outcome}`, async () => {
        const res = await request(testApp(audit)).post(c.path).set('x-user', 'bob').expect(c.status);
        const docs = await eventsOf(res.get('x-request-id') as string);
        expect(docs).to.have.length(1);
        expect(docs[0]?.event.outcome).to.equal(c.outcome);
        if (c.reason) expect(docs[0]?.event.reason).to.match(c.reason);
        else expect(docs[0]?.event).to.not.have.property('reason');
      });
    }
  });

  describe('a response cut short', () => {
    it('is recorded with outcome unknown when the client goes away first', async () => {
      const server = testApp(audit).listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/slow', headers: { 'x-request-id': 'req-aborted-1', 'x-user': 'carol' } });
      req.on('error', () => undefined);
      const handled = once(server, 'request'); // emitted after the app's handler ran (it declared the event)
      req.end();
      await handled;
      req.destroy();
      const docs = await eventsOf('req-aborted-1');
      server.close();
      expect(docs).to.have.length(1);
      expect(docs[0]?.event).to.include({ outcome: 'unknown', reason: 'the response was not completed (connection closed)' });
    });
  });

  describe('a failing audit sink never breaks or delays the response', () => {
    it('answers normally when the sink throws, and reports the error', async () => {
      const errors: unknown[] = [];
      const throwing: AuditSink = { record: () => { throw new Error('sink exploded'); } };
      const app = testApp(throwing, { onError: (e) => errors.push(e) });
      const res = await request(app).post('/ok').set('x-user', 'alice').expect(200);
      expect(res.body).to.deep.equal({ ok: true });
      await until(() => errors.length >= 1);
      expect(errors.map((e) => (e as Error).message)).to.deep.equal(['sink exploded']);
    });

    it('answers normally when the sink rejects, the actor resolver throws and the error reporter throws too', async () => {
      const seen: string[] = [];
      const rejecting: AuditSink = { record: () => Promise.reject(new Error('async sink failure')) };
      const app = testApp(rejecting, {
        actor: () => { throw new Error('resolver bug'); },
        onError: (e) => { seen.push((e as Error).message); throw new Error('reporter bug'); },
      });
      const res = await request(app).post('/forbidden').expect(403);
      expect(res.body).to.deep.equal({ error: 'no' });
      await until(() => seen.length >= 2);
      expect(seen).to.have.members(['resolver bug', 'async sink failure']);
    });

    it('answers normally when the event is invalid (the validator refuses it)', async () => {
      const errors: unknown[] = [];
      const app = express();
      app.use(auditTrail({ sink: audit, onError: (e) => errors.push(e) }));
      app.post('/bad', (req, res) => {
        req.audit({ action: 'teleport' as never, resource: { type: 'workspace', id: 'ws-1' } });
        res.json({ ok: true });
      });
      await request(app).post('/bad').expect(200, { ok: true });
      await until(() => errors.length >= 1);
      expect(String((errors[0] as Error)?.message)).to.match(/unknown action "teleport"/);
    });
  });

  describe('declaring too late', () => {
    it('reports a declaration made after the events were written, without recording it', async () => {
      const errors: string[] = [];
      const recorded: unknown[] = [];
      const app = express();
      app.use(auditTrail({ sink: { record: (e) => recorded.push(e) }, onError: (e) => errors.push((e as Error).message) }));
      app.post('/late', (req, res) => {
        res.json({ ok: true });
        setTimeout(() => req.audit({ action: 'delete', resource: { type: 'image', id: 'img-1' } }), 30);
      });
      await request(app).post('/late').expect(200);
      await until(() => errors.length >= 1);
      expect(recorded).to.have.length(0);
      expect(errors).to.deep.equal(['req.audit("delete") was called after the request\'s events were written: declare before (or right when) responding']);
    });
  });

  describe('options', () => {
    it('refuses a missing sink with a message that says what to pass', () => {
      expect(() => auditTrail({} as AuditTrailOptions)).to.throw(/option "sink" is required: pass the logger from createAuditLogger/);
    });
  });
});
