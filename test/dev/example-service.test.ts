import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { storedDocuments } from '../helpers/documents.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { DEMO_PRODUCER, seedDemoData } from '../../src/dev/demo/seed.js';
import { ACTIONS } from '../../src/model/vocabulary.js';

describe('demo data from driving the example workspace platform (npm start seeding)', () => {
  let client: Client;
  let docs: Record<string, any>[];
  let first: Awaited<ReturnType<typeof seedDemoData>>;
  const namespace = freshNamespace();
  const now = new Date('2026-11-25T12:00:00Z');

  before(async function () {
    this.timeout(120_000);
    client = testClient();
    await setupAuditStorage(client, { namespace });
    first = await seedDemoData(client, { namespace, count: 300, now, seed: 3, progress: false });
    docs = await storedDocuments(client, namespace);
  });
  after(() => dropNamespace(client, namespace));

  it('delivers every event the service recorded, under the demo producer', () => {
    expect(first.seeded).to.equal(true);
    expect(first.count).to.be.above(300);
    expect(first.delivered).to.equal(first.count);
    expect(docs).to.have.length(first.count);
    expect(new Set(docs.map((d) => d.audit_trail.producer.replace(/-[0-9a-f]{8}$/, '')))).to.deep.equal(new Set([DEMO_PRODUCER]));
    expect(new Set(docs.map((d) => d.service?.name))).to.deep.equal(new Set(['demo-workspace-platform']));
  });

  it('covers all 14 actions, with system actions from the scheduler only', () => {
    expect([...new Set(docs.map((d) => d.event.action))].sort()).to.deep.equal([...ACTIONS].sort());
    for (const d of docs) {
      const automatic = d.event.action === 'auto_off' || d.event.action === 'auto_start';
      expect(d.audit_trail.actor.type, d.event.action).to.equal(automatic ? 'system' : 'user');
      if (!automatic) expect(d.http?.request?.id, d.message).to.be.a('string');
    }
  });

  it('looks like real traffic: request context, failures with reasons, field-policy diffs', () => {
    const web = docs.filter((d) => d.audit_trail.actor.type === 'user');
    expect(new Set(web.map((d) => d.client?.ip)).size).to.be.at.least(5);
    expect(web.every((d) => typeof d.user_agent?.original === 'string')).to.equal(true);
    const failures = docs.filter((d) => d.event.outcome === 'failure');
    expect(failures.length).to.be.above(0);
    expect(failures.every((d) => /^HTTP [45]\d\d/.test(d.event.reason))).to.equal(true);
    const secretWrite = docs.find((d) => d.event.action === 'write' && d.audit_trail.resource.type === 'secret') ?? docs.find((d) => d.event.action === 'create' && d.audit_trail.resource.type === 'secret');
    expect(secretWrite?.audit_trail.diff.value).to.include({ secret: true });
    expect(secretWrite?.audit_trail.diff.value.new).to.match(/^hmac-sha256:[0-9a-f]{64}$/);
  });

  it('never stores a secret value or a bearer token', () => {
    const json = JSON.stringify(docs);
    expect(json).to.not.match(/s3cr3t-\d+/);
    expect(json).to.not.match(/-password"/);
    expect(json).to.not.match(/Bearer /);
  });

  it('spreads events over the last 30 days', () => {
    const times = docs.map((d) => Date.parse(d['@timestamp']));
    expect(Math.min(...times)).to.be.at.least(now.getTime() - 30 * 24 * 3600_000);
    expect(Math.max(...times)).to.be.at.most(now.getTime());
    expect(Math.max(...times) - Math.min(...times)).to.be.above(25 * 24 * 3600_000);
  });

  it('seeds once: a second run finds the demo producer and writes nothing', async () => {
    const again = await seedDemoData(client, { namespace, count: 300, now, progress: false });
    expect(again.seeded).to.equal(false);
    expect(await storedDocuments(client, namespace)).to.have.length(first.count);
  });
});
