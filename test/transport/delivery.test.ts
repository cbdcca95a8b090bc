import winston from 'winston';
import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace, useAuditNamespace } from '../helpers/namespace.js';
import { OpenSearchAuditTransport, type TransportWarning } from '../../src/transport/audit-transport.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { listEvents, type AuditFilter } from '../../src/query/list.js';
import { dataStreamName } from '../../src/storage/template.js';
import { ACTIONS, RESOURCE_TYPES, type AuditEventInput } from '../../src/index.js';

const base = Date.parse('2026-11-01T00:00:00Z');
const users = [
  { id: 'u-alice', name: 'alice', email: 'alice@example.com', roles: ['site_manager'] },
  { id: 'u-bob', name: 'bob', email: 'Bob@Example.com', roles: ['member'] },
];
const resourceFor: Record<string, (typeof RESOURCE_TYPES)[number]> = {
  auto_off: 'workspace', auto_start: 'workspace', connect: 'workspace', cordon: 'workspace_provider', create: 'image',
  delete: 'workspace', enqueue: 'job', login: 'user', open: 'workspace', ssh: 'workspace', stop: 'workspace',
  uncordon: 'workspace_provider', view: 'secret', write: 'user',
};

/** One event per action, a minute apart, actions in vocabulary order (so `write` is newest). */
function seedEvents(): AuditEventInput[] {
  return ACTIONS.map((action, i) => ({
    time: new Date(base + i * 60_000),
    action,
    actor: action.startsWith('auto_') ? { id: 'system', name: 'system', type: 'system' } : users[i % 2]!,
    resource: { type: resourceFor[action]!, id: `r-${i}`, target: i % 3 === 0 ? 'Alice-Dev' : `target-${i}` },
    outcome: i === 7 ? 'failure' : 'success',
    source: { ip: `203.0.113.${i + 1}`, userAgent: 'test-agent', requestId: `req-${i}` },
  }));
}

function finished(logger: winston.Logger): Promise<void> {
  return new Promise((resolve) => {
    logger.on('finish', () => resolve());
    logger.end();
  });
}

describe('transport and query (real OpenSearch)', () => {
  let client: Client;
  const namespace = freshNamespace();
  const index = dataStreamName(namespace);
  let transport: OpenSearchAuditTransport;
  const warnings: TransportWarning[] = [];

  before(async () => {
    client = testClient();
    await setupAuditStorage(client, { namespace });
    transport = new OpenSearchAuditTransport({ client, namespace, batchSize: 5, flushIntervalMs: 50, serviceName: 'test-svc' });
    transport.on('warn', (w: TransportWarning) => warnings.push(w));
    const logger = winston.createLogger({ transports: [transport] });
    for (const event of seedEvents()) logger.info('audit', { audit: event, labels: { suite: 'transport' } });
    logger.info('an ordinary log line, not an audit event');
    logger.info('bad', { audit: { action: 'explode', actor: { id: 'x' }, resource: { type: 'workspace', id: 'w' } } });
    await finished(logger);
    await client.indices.refresh({ index });
  });
  after(() => dropNamespace(client, namespace));

  describe('the transport', () => {
    it('delivered every valid event once, in batches, by the time the logger finished', async () => {
      const stats = transport.stats();
      expect(stats).to.include({ accepted: ACTIONS.length, delivered: ACTIONS.length, queued: 0, inFlight: 0, deadLettered: 0, dropped: 0 });
      expect((await client.count({ index })).body.count).to.equal(ACTIONS.length);
    });

    it('reported the invalid event with a warn and a counter, never a throw', () => {
      expect(transport.stats()).to.include({ invalid: 1, ignored: 1 });
      expect(warnings.filter((w) => w.kind === 'invalid')).to.have.length(1);
      expect(warnings[0]!.message).to.include('action: unknown action "explode"');
    });

    it('stamped service, producer and a gapless sequence', async () => {
      const { rows } = await listEvents(client, { index, size: 100 });
      expect(rows.map((r) => r.sequence).sort((a, b) => a! - b!)).to.deep.equal(ACTIONS.map((_, i) => i + 1));
      expect(new Set(rows.map((r) => r.producer)).size).to.equal(1);
      expect((rows[0]!.document.service as { name: string }).name).to.equal('test-svc');
      expect(rows[0]!.document.labels).to.deep.equal({ suite: 'transport' });
    });

    it('another event under a stored id is reported (dead-lettered as a reused id), never counted delivered, and the stored one kept', async () => {
      const replay = new OpenSearchAuditTransport({ client, namespace, flushIntervalMs: 20 });
      replay.on('warn', () => undefined);
      const { rows } = await listEvents(client, { index, size: 1 });
      const logger = winston.createLogger({ transports: [replay] });
      logger.info('again', { audit: { id: rows[0]!.id, action: 'write', actor: { id: 'u-alice' }, resource: { type: 'user', id: 'r' } } });
      await finished(logger);
      expect(replay.stats()).to.include({ delivered: 0, replayed: 0, deadLettered: 1 });
      await client.indices.refresh({ index });
      expect((await client.count({ index })).body.count).to.equal(ACTIONS.length);
    });
  });

  describe('the query module', () => {
    const ids = async (filter: AuditFilter) => (await listEvents(client, { index, filter, size: 100 })).rows.map((r) => r.action);

    it('lists every action newest first', async () => {
      const { rows, total } = await listEvents(client, { index, size: 100 });
      expect(rows.map((r) => r.action)).to.deep.equal([...ACTIONS].reverse());
      expect(total).to.deep.equal({ value: ACTIONS.length, relation: 'eq' });
      const times = rows.map((r) => r.time.getTime());
      expect(times).to.deep.equal([...times].sort((a, b) => b - a));
    });

    it('returns typed rows', async () => {
      const { rows } = await listEvents(client, { index, filter: { actions: ['login'] } });
      expect(rows).to.have.length(1);
      const row = rows[0]!;
      expect(row.resource).to.deep.equal({ type: 'user', id: 'r-7', target: 'target-7' });
      expect(row.outcome).to.equal('failure');
      expect(row.actor).to.deep.include({ id: 'u-bob', name: 'bob', email: 'Bob@Example.com', type: 'user' });
      expect(row.source).to.deep.equal({ ip: '203.0.113.8', userAgent: 'test-agent', requestId: 'req-7' });
      expect(row.time.toISOString()).to.equal(new Date(base + 7 * 60_000).toISOString());
    });

    /** Independent oracle: the seed list filtered in plain JavaScript, newest first. */
    const expected = (keep: (e: AuditEventInput) => boolean) =>
      seedEvents()
        .filter(keep)
        .reverse()
        .map((e) => e.action);
    const userMatches = (e: AuditEventInput, value: string) =>
      [e.actor.id, e.actor.name, e.actor.email].some((v) => v?.toLowerCase() === value.toLowerCase());

    it('filters by action (several = OR)', async () => {
      expect(await ids({ actions: ['ssh', 'create'] })).to.deep.equal(['ssh', 'create']);
    });

    it('filters by resource type', async () => {
      expect(await ids({ resourceTypes: ['workspace_provider'] })).to.deep.equal(['uncordon', 'cordon']);
      expect(await ids({ resourceTypes: ['workspace', 'secret'] })).to.deep.equal(expected((e) => ['workspace', 'secret'].includes(e.resource.type)));
    });

    it('filters by target, exact and case-insensitive', async () => {
      expect(await ids({ targets: ['alice-dev'] })).to.deep.equal(['view', 'ssh', 'enqueue', 'cordon', 'auto_off']);
      expect(await ids({ targets: ['alice'] })).to.deep.equal([]);
    });

    it('filters by user id, name or e-mail', async () => {
      expect(await ids({ users: ['system'] })).to.deep.equal(['auto_start', 'auto_off']);
      expect(await ids({ users: ['bob@example.com'] })).to.deep.equal(['write', 'uncordon', 'ssh', 'login', 'delete', 'cordon']);
      expect(await ids({ users: ['u-alice'] })).to.deep.equal(expected((e) => userMatches(e, 'u-alice')));
      expect(await ids({ users: ['ALICE', 'system'] })).to.deep.equal(expected((e) => userMatches(e, 'alice') || userMatches(e, 'system')));
    });

    it('filters by time range (from inclusive, to exclusive)', async () => {
      expect(await ids({ from: new Date(base + 11 * 60_000), to: new Date(base + 13 * 60_000) })).to.deep.equal(['view', 'uncordon']);
    });

    it('combines filters with AND', async () => {
      expect(await ids({ users: ['alice'], resourceTypes: ['workspace'] })).to.deep.equal(['stop', 'open', 'connect']);
      expect(await ids({ outcomes: ['failure'], actions: ['login', 'write'] })).to.deep.equal(['login']);
    });

    it('pages with a cursor, without skipping or repeating', async () => {
      const seen: (string | undefined)[] = [];
      let after;
      for (let page = 0; page < 10; page++) {
        const res = await listEvents(client, { index, size: 4, ...(after ? { after } : {}) });
        seen.push(...res.rows.map((r) => r.action));
        after = res.next;
        if (!after) break;
      }
      expect(seen).to.deep.equal([...ACTIONS].reverse());
    });
  });
});

describe('a 409 on a first sending, against the real node', () => {
  const own = useAuditNamespace();

  it('its own copy answering 409 on a first sending (as OpenSearch answers after retrying an operation whose primary was lost) is delivered as a replay, not dead-lettered', async () => {
    const event = { id: '0190a0a0-0000-7000-8000-00000000c0de', action: 'view' as const, actor: { id: 'u-alice' }, resource: { type: 'secret' as const, id: 's-1' } };
    const send = async () => {
      const transport = new OpenSearchAuditTransport({ client: own.client, namespace: own.namespace, producerId: 'own-copy-producer', flushIntervalMs: 20 });
      transport.on('warn', () => undefined);
      const logger = winston.createLogger({ transports: [transport] });
      logger.info('own copy', { audit: event });
      await finished(logger);
      return transport.stats();
    };
    expect(await send()).to.include({ delivered: 1, replayed: 0, deadLettered: 0 });
    // The same record again (same producer, sequence 1, same id), sent for the first time by this transport: the node answers 409.
    expect(await send()).to.include({ delivered: 1, replayed: 1, deadLettered: 0 });
    await own.client.indices.refresh({ index: own.index });
    expect((await own.client.count({ index: own.index, body: { query: { term: { 'event.id': event.id } } } })).body.count).to.equal(1);
  });
});
