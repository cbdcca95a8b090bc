// verifyNamespace on the real node: a seeded namespace verifies clean, and each tampering an attacker with write access could do is found and classified.
import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { freshNamespace } from '../helpers/namespace.js';
import { ChainProducer, keyPair, relinked } from '../helpers/chains.js';
import { deleteWhere, ensureCheckpointTemplate, locate, seedProducers, updateEvent, writeCheckpoints, writeEvents } from '../helpers/verify-seed.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { checkpointStreamName, dataStreamName } from '../../src/storage/template.js';
import { checkpointId } from '../../src/integrity/checkpoint.js';
import { verifyNamespace, type NamespaceReport, type VerifyNamespaceOptions } from '../../src/query/verify-namespace.js';
import type { ProducerReport } from '../../src/integrity/verify-report.js';

const KEY = keyPair();
const OTHER = keyPair();
const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const NOW = new Date(T0 + 86_400_000);

interface Seed {
  namespace: string;
  api: ChainProducer;
  billing: ChainProducer;
  worker: ChainProducer;
}

describe('verifyNamespace (real OpenSearch)', function () {
  this.timeout(120_000);
  let client: Client;
  const namespaces: string[] = [];

  before(async () => {
    client = testClient();
    await ensureCheckpointTemplate(client);
  });
  after(async () => {
    for (const ns of namespaces) {
      await client.indices.deleteDataStream({ name: dataStreamName(ns) }).catch(() => undefined);
      await client.indices.deleteDataStream({ name: checkpointStreamName(ns) }).catch(() => undefined);
    }
  });

  /** A fresh namespace with three producers: one plain, one with a drop and a dead letter learnt late, one checkpointing every 15. */
  async function seed(): Promise<Seed> {
    const namespace = freshNamespace();
    namespaces.push(namespace);
    await setupAuditStorage(client, { namespace });
    const api = new ChainProducer('api-1', KEY.signing, T0).run(60, 10);
    const billing = new ChainProducer('billing', KEY.signing, T0 + 500).append(12).drop(2, 'memory-cap');
    billing.append(8).checkpoint();
    const gap = billing.lose(1);
    billing.append(9).checkpoint();
    billing.append(10).announce(gap).checkpoint();
    const worker = new ChainProducer('worker', KEY.signing, T0 + 700).run(30, 15);
    await seedProducers(client, namespace, [api, billing, worker]);
    return { namespace, api, billing, worker };
  }

  const verify = (namespace: string, options: Partial<VerifyNamespaceOptions> = {}): Promise<NamespaceReport> =>
    verifyNamespace(client, { namespace, keys: [KEY.verify], now: NOW, ...options });
  const producer = (report: NamespaceReport, id: string): ProducerReport => report.producers.find((p) => p.producer === id)!;
  const kinds = (report: NamespaceReport, id: string): string[] => producer(report, id).problems.map((p) => p.kind);
  /** Every producer but `id` is intact. */
  const othersIntact = (report: NamespaceReport, id: string): void => {
    for (const p of report.producers) if (p.producer !== id) expect(p.status, `${p.producer}: ${JSON.stringify(p.problems)}`).to.equal('intact');
  };

  it('a namespace as its producers wrote it is intact, whatever the page size, with progress reported', async () => {
    const s = await seed();
    const progress: [number, number][] = [];
    const report = await verify(s.namespace, { onProgress: (done, total) => progress.push([done, total]) });
    expect(report.status, JSON.stringify(report.producers.map((p) => p.problems))).to.equal('intact');
    expect(report.eventsChecked).to.equal(60 + 39 + 30);
    expect(report.producers.map((p) => [p.producer, p.status, p.eventsChecked])).to.deep.equal([['api-1', 'intact', 60], ['billing', 'intact', 39], ['worker', 'intact', 30]]);
    expect(producer(report, 'billing').knownGaps).to.deep.equal({ events: 3, byReason: { 'memory-cap': 2, dead_letter: 1 } });
    expect(producer(report, 'api-1').checkpoints).to.deep.equal({ stored: 6, trusted: 6, last: { number: 6, sequence: 60, time: s.api.timeOf(60), kind: 'count' } });
    expect(progress[progress.length - 1]).to.deep.equal([129, 129]);

    for (const options of [{ batchSize: 7, concurrency: 1 }, { batchSize: 7, concurrency: 4 }]) {
      const again = await verify(s.namespace, options);
      expect({ ...again, tookMs: 0 }, JSON.stringify(options)).to.deep.equal({ ...report, tookMs: 0 });
    }
  });

  it('one field of one event changed by a partial update on its backing index is modified', async () => {
    const s = await seed();
    await updateEvent(client, s.namespace, 'api-1-00000023', { user: { name: 'mallory' } });
    const report = await verify(s.namespace);
    expect(report.status).to.equal('problems');
    expect(kinds(report, 'api-1')).to.deep.equal(['modified']);
    expect(producer(report, 'api-1').problems[0]).to.deep.include({ from: 23, to: 23, eventIds: ['api-1-00000023'], firstTime: s.api.timeOf(23) });
    othersIntact(report, 'api-1');
  });

  it('one event deleted is missing, between its neighbours', async () => {
    const s = await seed();
    expect(await deleteWhere(client, dataStreamName(s.namespace), { term: { 'event.id': 'billing-00000005' } })).to.equal(1);
    const report = await verify(s.namespace);
    expect(kinds(report, 'billing')).to.deep.equal(['missing']);
    expect(producer(report, 'billing').problems[0]).to.deep.include({ from: 5, to: 5, events: 1, firstTime: s.billing.timeOf(4), lastTime: s.billing.timeOf(6) });
    othersIntact(report, 'billing');
  });

  it('a forged event with a plausible producer and sequence, linked over the real prev, is forged', async () => {
    const s = await seed();
    const fake = relinked(s.worker.events[16]!, (d) => ((d.event.id = 'worker-forged'), (d.event.action = 'delete'), (d.user.name = 'alice')));
    await writeEvents(client, s.namespace, [fake]);
    const report = await verify(s.namespace);
    expect(kinds(report, 'worker')).to.deep.equal(['forged']);
    expect(producer(report, 'worker').problems[0]).to.deep.include({ from: 17, to: 17, eventIds: ['worker-forged'] });
    expect(producer(report, 'worker').eventsChecked).to.equal(31);
    othersIntact(report, 'worker');

    await client.index({ index: dataStreamName(s.namespace), op_type: 'create', body: { '@timestamp': s.api.timeOf(3), event: { id: 'nobody-1', sequence: 3 } }, refresh: true } as never);
    const orphan = await verify(s.namespace);
    expect(orphan.unattributed.map((p) => [p.kind, p.eventIds])).to.deep.equal([['forged', ['nobody-1']]]);
    expect(orphan.problemCount).to.equal(2);
  });

  it("a producer's newest events deleted are truncated", async () => {
    const s = await seed();
    await deleteWhere(client, dataStreamName(s.namespace), { bool: { filter: [{ term: { 'audit_trail.producer': 'api-1' } }, { range: { 'event.sequence': { gt: 54 } } }] } });
    const report = await verify(s.namespace);
    expect(kinds(report, 'api-1')).to.deep.equal(['truncated']);
    expect(producer(report, 'api-1').problems[0]).to.deep.include({ from: 55, to: 60, events: 6 });
    othersIntact(report, 'api-1');
  });

  it('a checkpoint deleted is a missing checkpoint', async () => {
    const s = await seed();
    await deleteWhere(client, checkpointStreamName(s.namespace), { ids: { values: [checkpointId({ producer: 'api-1', number: 3 })] } });
    const report = await verify(s.namespace);
    expect(kinds(report, 'api-1')).to.deep.equal(['missing-checkpoint']);
    expect(producer(report, 'api-1').problems[0]).to.deep.include({ checkpoints: [3] });
    othersIntact(report, 'api-1');
  });

  it('a checkpoint changed in the cluster has a bad signature and is not trusted', async () => {
    const s = await seed();
    const { index, id } = await locate(client, checkpointStreamName(s.namespace), '_id', checkpointId({ producer: 'worker', number: 2 }));
    await client.update({ index, id, body: { doc: { audit_trail: { checkpoint: { sequence: 28 } } } }, refresh: true } as never);
    const report = await verify(s.namespace);
    expect(kinds(report, 'worker')).to.include('bad-signature');
    expect(producer(report, 'worker').checkpoints).to.deep.include({ stored: 2, trusted: 1 });
    othersIntact(report, 'worker');
  });

  it('a checkpoint signed with a key not among the trusted ones is an unknown key', async () => {
    const s = await seed();
    s.billing.append(3);
    const rogue = s.billing.checkpoint('count', undefined, OTHER.signing);
    await writeEvents(client, s.namespace, s.billing.events.slice(-3));
    await writeCheckpoints(client, s.namespace, [rogue]);
    const report = await verify(s.namespace);
    expect(kinds(report, 'billing')).to.deep.equal(['unknown-key', 'unsigned-tail']);
    expect(producer(report, 'billing').problems[0]!.detail).to.include(OTHER.signing.keyId);
    othersIntact(report, 'billing');
    expect((await verify(s.namespace, { keys: [KEY.verify, OTHER.verify] })).status).to.equal('intact');
  });

  it('with an anchor file, newest events deleted together with their checkpoints are found', async () => {
    const s = await seed();
    await deleteWhere(client, dataStreamName(s.namespace), { bool: { filter: [{ term: { 'audit_trail.producer': 'api-1' } }, { range: { 'event.sequence': { gt: 40 } } }] } });
    await deleteWhere(client, checkpointStreamName(s.namespace), { ids: { values: [5, 6].map((number) => checkpointId({ producer: 'api-1', number })) } });
    expect((await verify(s.namespace)).status, 'without the anchors the cut is invisible').to.equal('intact');
    const report = await verify(s.namespace, { anchor: [...s.api.checkpoints, ...s.worker.checkpoints] });
    expect(kinds(report, 'api-1')).to.deep.equal(['missing-checkpoint', 'missing-checkpoint', 'truncated']);
    expect(producer(report, 'api-1').problems[2]).to.deep.include({ from: 41, to: 60, events: 20 });
    othersIntact(report, 'api-1');
  });

  it('a window starting at a signed checkpoint needs nothing older (as after retention)', async () => {
    const s = await seed();
    await deleteWhere(client, dataStreamName(s.namespace), { bool: { filter: [{ term: { 'audit_trail.producer': 'api-1' } }, { range: { 'event.sequence': { lt: 30 } } }] } });
    await deleteWhere(client, checkpointStreamName(s.namespace), { ids: { values: [1, 2].map((number) => checkpointId({ producer: 'api-1', number })) } });
    expect((await verify(s.namespace)).status).to.equal('problems');
    const report = await verify(s.namespace, { from: s.api.timeOf(35) });
    expect(report.status, JSON.stringify(producer(report, 'api-1').problems)).to.equal('intact');
    expect(producer(report, 'api-1').start).to.deep.equal({ sequence: 30, checkpoint: 3 });
    expect(producer(report, 'api-1').eventsChecked).to.equal(31);
    expect(report.from).to.equal(s.api.timeOf(35));
  });

  it('rejects an unreadable time bound', async () => {
    await expect(verifyNamespace(client, { namespace: 'nothing_here', keys: [KEY.verify], from: 'yesterday' })).to.be.rejectedWith(RangeError, /from: 'yesterday' is not a date/);
  });
});
