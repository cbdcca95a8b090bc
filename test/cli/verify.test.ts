// `audit-trail verify` on the real node: exit 0 intact, 1 a problem found, 2 could not verify; keys from the data directory or --keys; --json; never a secret.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { ChainProducer, keyPair } from '../helpers/chains.js';
import { ensureCheckpointTemplate, seedProducers, updateEvent } from '../helpers/verify-seed.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { checkpointStreamName, dataStreamName } from '../../src/storage/template.js';
import type { NamespaceReport } from '../../src/query/verify-namespace.js';
import { cliEnv, runCli, URL_SECRET } from './run-cli.js';

describe('audit-trail verify', function () {
  this.timeout(120_000);
  const KEY = keyPair();
  const namespace = freshNamespace();
  const dir = mkdtempSync(join(tmpdir(), 'verify-cli-'));
  const dataDir = join(dir, 'data');
  const emptyDir = join(dir, 'empty');
  const keyFile = join(dir, 'producer.pub.pem');
  let client: Client;
  let api: ChainProducer;
  // Each run is recorded as an audit event in the namespace the web view reads: one of this suite's own.
  const recorded = freshNamespace();
  const env = (more: Record<string, string> = {}) => cliEnv({ AUDIT_WEB_DATA_DIR: emptyDir, AUDIT_WEB_NAMESPACE: recorded, ...more });

  before(async () => {
    client = testClient();
    await ensureCheckpointTemplate(client);
    await setupAuditStorage(client, { namespace });
    api = new ChainProducer('api-1', KEY.signing, Date.now() - 3600_000).run(40, 10);
    const worker = new ChainProducer('worker', KEY.signing, Date.now() - 3600_000).run(20, 5);
    await seedProducers(client, namespace, [api, worker]);
    writeFileSync(keyFile, KEY.publicPem);
    mkdirSync(join(dataDir, 'keys'), { recursive: true });
    mkdirSync(emptyDir, { recursive: true });
    writeFileSync(join(dataDir, 'keys', 'demo.pub.pem'), KEY.publicPem);
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await client.indices.deleteDataStream({ name: dataStreamName(namespace) }).catch(() => undefined);
    await client.indices.deleteDataStream({ name: checkpointStreamName(namespace) }).catch(() => undefined);
    await dropNamespace(client, recorded);
  });

  it('an intact namespace: exit 0, a block per producer and a final line, with --keys FILE', async () => {
    const r = await runCli(['verify', '--namespace', namespace, '--keys', keyFile], { env: env() });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^api-1: intact$/m).and.match(/^worker: intact$/m);
    expect(r.stdout).to.include('40 events, sequences 1–40').and.include('last checkpoint 4 at sequence 40');
    expect(r.stdout.trim().split('\n').pop()).to.match(/^INTACT: every chain and checkpoint holds \(60 events checked in [\d.]+ s\)$/);
  });

  it('records each run as an audit event: who (the OS user), which namespace, the result in words', async () => {
    const r = await runCli(['verify', '--namespace', namespace, '--keys', keyFile], { env: env() });
    expect(r.code, r.stderr).to.equal(0);
    await client.indices.refresh({ index: dataStreamName(recorded) });
    const hits = (await client.search({ index: dataStreamName(recorded), body: { size: 50, query: { term: { 'audit_trail.resource.id': `integrity:${namespace}` } } } })).body.hits.hits;
    expect(hits.length, 'one event per run so far').to.be.at.least(1);
    const doc = hits.at(-1)!._source as { event: { action: string; outcome: string }; user: { id: string; roles: string[] }; audit_trail: { details: Record<string, unknown> } };
    expect(doc.event).to.include({ action: 'view', outcome: 'success' });
    expect(doc.user.id).to.match(/^os:/);
    expect(doc.user.roles).to.deep.equal(['auditor']);
    expect(doc.audit_trail.details).to.include({ namespace, rows: 60, result: 'intact', via: 'cli' });
    expect(String(doc.audit_trail.details.summary)).to.include('intact: 60 events of 2 producers checked');
  });

  it("takes the data directory's keys/*.pub.pem by default, and --json prints the report", async () => {
    const r = await runCli(['verify', '--namespace', namespace, '--json'], { env: env({ AUDIT_WEB_DATA_DIR: dataDir }) });
    expect(r.code, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout) as NamespaceReport;
    expect(report.status).to.equal('intact');
    expect(report.producers.map((p) => p.producer)).to.deep.equal(['api-1', 'worker']);
    expect(report.eventsChecked).to.equal(60);
  });

  it('no trusted key: exit 2, saying to pass --keys FILE and where it looked', async () => {
    // A data directory of its own: the runs above made the command line's signing key pair in theirs.
    const keyless = mkdtempSync(join(dir, 'keyless-'));
    const r = await runCli(['verify', '--namespace', namespace], { env: env({ AUDIT_WEB_DATA_DIR: keyless }) });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('pass --keys FILE').and.include(join(keyless, 'keys'));
  });

  it('bad options, an empty namespace and an unreachable cluster: exit 2, printing no password', async () => {
    const bad = await runCli(['verify', '--namespace', namespace, '--keys', keyFile, '--from', 'last tuesday'], { env: env() });
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include("--from: 'last tuesday' is not a date");
    const notKey = await runCli(['verify', '--keys', join(dir, 'nothing.pem')], { env: env() });
    expect(notKey.code).to.equal(2);
    expect(notKey.stderr).to.include('cannot be read');
    const anchor = join(dir, 'anchor.jsonl');
    writeFileSync(anchor, '{"producer":"api-1"}\n');
    const badAnchor = await runCli(['verify', '--keys', keyFile, '--anchor', anchor], { env: env() });
    expect(badAnchor.code).to.equal(2);
    expect(badAnchor.stderr).to.include('anchor file').and.include('line 1');
    const nothing = await runCli(['verify', '--namespace', 'no_such_namespace_here', '--keys', keyFile], { env: env() });
    expect(nothing.code).to.equal(2);
    expect(nothing.stderr).to.include('nothing to verify').and.include('logs-audit_trail.events-no_such_namespace_here');
    const down = await runCli(['verify', '--namespace', namespace, '--keys', keyFile], { env: env({ OPENSEARCH_URL: `http://auditor:${URL_SECRET}@127.0.0.1:9` }) });
    expect(down.code).to.equal(2);
    expect(down.stderr).to.include('could not verify').and.include('cannot reach OpenSearch');
  });

  it('a tampered event: exit 1, the problem with its event id and time, in text and JSON; an anchor file is read', async () => {
    await updateEvent(client, namespace, api.events[16]!.id, { event: { action: 'delete' } });
    const r = await runCli(['verify', '--namespace', namespace, '--keys', keyFile], { env: env() });
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/^api-1: PROBLEMS$/m).and.include('modified (sequence 17)').and.include(`events: ${api.events[16]!.id}`);
    expect(r.stdout).to.include(`time: ${api.timeOf(17)} – ${api.timeOf(17)}`);
    expect(r.stdout.trim().split('\n').pop()).to.match(/^PROBLEMS: 1 problem in 1 of 2 producers/);

    const anchor = join(dir, 'anchor.jsonl');
    writeFileSync(anchor, api.checkpoints.map((c) => JSON.stringify(c)).join('\n'));
    const json = await runCli(['verify', '--namespace', namespace, '--keys', keyFile, '--anchor', anchor, '--json'], { env: env() });
    expect(json.code, json.stderr).to.equal(1);
    const report = JSON.parse(json.stdout) as NamespaceReport;
    expect(report.status).to.equal('problems');
    expect(report.producers[0]!.problems.map((p) => [p.kind, p.from, p.eventIds])).to.deep.equal([['modified', 17, [api.events[16]!.id]]]);
  });
});
