// Retention without ISM on the real node (the product’s own job): backdated events written through the transport, rollovers, deletion, legal hold and verify.
import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { keyPair } from '../helpers/chains.js';
import { useAuditNamespace } from '../helpers/namespace.js';
import { seedThroughTransport } from '../helpers/transport-seed.js';
import { newKeyPairPem, verifyKeyFrom } from '../../src/integrity/keys.js';
import { verifyNamespace } from '../../src/query/verify-namespace.js';
import { backingIndices } from '../../src/storage/retention-indices.js';
import { runRetention } from '../../src/storage/retention-job.js';
import { readRetentionSettings, RETENTION_SETTINGS_INDEX, writeRetentionSettings } from '../../src/storage/retention-settings.js';
import { hasIsm } from '../../src/storage/ism.js';
import { checkpointStreamName } from '../../src/storage/template.js';
import { chainOf } from '../../src/integrity/chain.js';
import { retentionProducer } from '../../src/integrity/retention-statement.js';

const DAY = 86_400_000;
const producerKey = newKeyPairPem();
const producerVerify = verifyKeyFrom(producerKey.publicPem);
const jobKey = keyPair();

/**
 * One producer writing through the transport, one event a day from 150 days ago, over three backing indices: sequences
 * 1–40 (150–111 days old, then a rollover), 41–100 (110–51 days old, then a rollover), 101–110 in the write index (50–41
 * days old); a signed checkpoint every 10.
 */
async function seedThreeIndices(client: Client, namespace: string): Promise<void> {
  await seedThroughTransport(client, namespace, {
    producerId: 'app-1', signingKeyPem: producerKey.privatePem, startMs: Date.now() - 150 * DAY, stepMs: DAY, checkpointEvery: 10,
    parts: [{ count: 40, rollover: true }, { count: 60, rollover: true }, { count: 10, rollover: false }],
  });
}

const count = async (client: Client, index: string): Promise<number> => {
  await client.indices.refresh({ index });
  return (await client.count({ index })).body.count;
};

describe('retention on a cluster without ISM: the product’s own job (real OpenSearch, backdated events)', () => {
  const ns = useAuditNamespace();
  const held = useAuditNamespace();
  const oldWrite = useAuditNamespace();
  after(async () => {
    for (const id of [ns.namespace, held.namespace, oldWrite.namespace]) await ns.client.delete({ index: RETENTION_SETTINGS_INDEX, id, refresh: true }).catch(() => undefined);
  });

  it('finds no ISM on the test node', async () => {
    expect(await hasIsm(ns.client)).to.equal(false);
  });

  describe('a namespace keeping 90 days, with an old, a middle-aged and a write index', () => {
    before(async () => {
      await seedThreeIndices(ns.client, ns.namespace);
      await writeRetentionSettings(ns.client, { ...(await readRetentionSettings(ns.client, ns.namespace)), keep: '90d' });
    });

    it('a dry run says which index would go and changes nothing', async () => {
      const indices = await backingIndices(ns.client, ns.namespace);
      const events = await count(ns.client, ns.index);
      const run = await runRetention(ns.client, { namespace: ns.namespace, dryRun: true });
      expect(run.decisions.map((d) => d.fate)).to.deep.equal(['delete', 'keep', 'keep']);
      expect(run.decisions[2]).to.include({ write: true, why: 'the write index' });
      expect(run.statement).to.equal(undefined);
      expect((await backingIndices(ns.client, ns.namespace)).map((i) => i.name)).to.deep.equal(indices.map((i) => i.name));
      expect(await count(ns.client, ns.index)).to.equal(events);
      expect(await count(ns.client, checkpointStreamName(ns.namespace))).to.equal(11);
    });

    it('deletes the whole old index only, after writing a signed retention statement naming the last sequence removed', async () => {
      const [oldest, middle, write] = await backingIndices(ns.client, ns.namespace);
      const run = await runRetention(ns.client, { namespace: ns.namespace, signingKey: jobKey.signing });
      expect(run.deleted).to.deep.equal([oldest!.name]);
      expect((await backingIndices(ns.client, ns.namespace)).map((i) => i.name)).to.deep.equal([middle!.name, write!.name]);
      expect(await count(ns.client, ns.index)).to.equal(70);
      expect(run.statement).to.deep.include({ producer: retentionProducer(ns.namespace), number: 1, kind: 'retention', key_id: jobKey.signing.keyId });
      expect(run.statement!.retention!.indices).to.deep.equal([oldest!.name]);
      expect(run.statement!.retention!.producers).to.deep.equal([{ producer: 'app-1', sequence: 40, link: (await linkOf(ns.client, ns.index, 41)) }]);
    });

    it('verify stays clean: the producer starts after sequence 40, reported as removed by retention', async () => {
      const report = await verifyNamespace(ns.client, { namespace: ns.namespace, keys: [producerVerify, jobKey.verify] });
      expect(report.status, JSON.stringify(report.producers.map((p) => p.problems))).to.equal('intact');
      const app = report.producers.find((p) => p.producer === 'app-1')!;
      expect(app).to.deep.include({ eventsChecked: 70, sequences: { first: 41, last: 110 } });
      expect(app.removedByRetention).to.include({ through: 40, checkpoint: 1 });
      expect(report.producers.find((p) => p.producer === retentionProducer(ns.namespace))).to.include({ status: 'intact', eventsChecked: 0 });
    });

    it('a retention statement signed by a key the verifier does not trust excuses nothing', async () => {
      const report = await verifyNamespace(ns.client, { namespace: ns.namespace, keys: [producerVerify] });
      expect(report.status).to.equal('problems');
      const app = report.producers.find((p) => p.producer === 'app-1')!;
      expect(app.removedByRetention).to.equal(undefined);
      expect(app.problemCounts.missing).to.equal(1);
      expect(report.producers.find((p) => p.producer === retentionProducer(ns.namespace))!.problemCounts['unknown-key']).to.equal(1);
    });

    it('a second run removes nothing more and writes no statement', async () => {
      const run = await runRetention(ns.client, { namespace: ns.namespace, signingKey: jobKey.signing });
      expect(run.deleted).to.deep.equal([]);
      expect(run.statement).to.equal(undefined);
    });
  });

  it('a namespace on legal hold loses nothing until released, and then the old index goes', async () => {
    await seedThreeIndices(held.client, held.namespace);
    const base = await readRetentionSettings(held.client, held.namespace);
    await writeRetentionSettings(held.client, { ...base, keep: '90d', hold: { reason: 'case 7', since: new Date().toISOString(), by: 'test' } });
    const run = await runRetention(held.client, { namespace: held.namespace, signingKey: jobKey.signing });
    expect(run.deleted).to.deep.equal([]);
    expect(run.decisions.every((d) => d.fate === 'keep')).to.equal(true);
    expect(run.decisions[0]!.why).to.match(/^legal hold since .*: case 7$/);
    expect(await count(held.client, held.index)).to.equal(110);

    await writeRetentionSettings(held.client, { ...base, keep: '90d' });
    const released = await runRetention(held.client, { namespace: held.namespace, signingKey: jobKey.signing });
    expect(released.deleted).to.have.length(1);
    expect(await count(held.client, held.index)).to.equal(70);
  });

  it('never deletes the write index, even when all its events are older than the period', async () => {
    await seedThroughTransport(oldWrite.client, oldWrite.namespace, {
      producerId: 'app-2', signingKeyPem: producerKey.privatePem, startMs: Date.now() - 400 * DAY, stepMs: DAY, checkpointEvery: 10,
      parts: [{ count: 20, rollover: false }],
    });
    await writeRetentionSettings(oldWrite.client, { ...(await readRetentionSettings(oldWrite.client, oldWrite.namespace)), keep: '30d' });
    const run = await runRetention(oldWrite.client, { namespace: oldWrite.namespace, signingKey: jobKey.signing });
    expect(run.deleted).to.deep.equal([]);
    expect(run.decisions).to.have.length(1);
    expect(run.decisions[0]).to.include({ write: true, fate: 'keep' });
    expect(await count(oldWrite.client, oldWrite.index)).to.equal(20);
  });
});

/** The `prev` of the event at a sequence: the link of the one before it. */
async function linkOf(client: Client, index: string, sequence: number): Promise<string> {
  const res = await client.search({ index, body: { query: { term: { 'event.sequence': sequence } } } as never });
  return chainOf(res.body.hits.hits[0]!._source as Record<string, unknown>)!.prev;
}
