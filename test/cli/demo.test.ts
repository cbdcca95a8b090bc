// `audit-trail demo`: seeds a fresh namespace of its own on the test node, once; refuses `default`, a non-loopback cluster and a namespace with other data.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { dataStreamName } from '../../src/storage/template.js';
import { DEMO_EVENTS_QUERY } from '../../src/dev/demo/seed.js';
import { cliEnv, runCli, URL_SECRET } from './run-cli.js';

describe('audit-trail demo', function () {
  this.timeout(120_000);
  const namespace = freshNamespace();
  const occupied = freshNamespace();
  after(async () => {
    await dropNamespace(testClient(), namespace);
    await dropNamespace(testClient(), occupied);
  });

  it('seeds a fresh namespace (setup included), every event from the demo producer, then leaves it alone', async () => {
    const r = await runCli(['demo', '--namespace', namespace, '--count', '40']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal(`seeded: ${dataStreamName(namespace)}`);
    const delivered = Number(/seeded (\d+)\/\d+ events into/.exec(r.stderr)?.[1]);
    expect(delivered).to.be.greaterThan(40);
    const client = testClient();
    const all = (await client.count({ index: dataStreamName(namespace) })).body.count;
    const demo = (await client.count({ index: dataStreamName(namespace), body: { query: DEMO_EVENTS_QUERY } })).body.count;
    expect(all).to.equal(delivered);
    expect(demo).to.equal(all);

    const again = await runCli(['demo', '--namespace', namespace, '--count', '40']);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout.trim()).to.equal(`already seeded: ${dataStreamName(namespace)}`);
    expect((await client.count({ index: dataStreamName(namespace) })).body.count).to.equal(all);
  });

  it('signs with a key pair kept in the data directory, so verify with its default keys finds the demo intact', async () => {
    const signed = freshNamespace();
    const dataDir = mkdtempSync(join(tmpdir(), 'audit-demo-keys-'));
    try {
      const env = cliEnv({ AUDIT_WEB_DATA_DIR: dataDir });
      const seeded = await runCli(['demo', '--namespace', signed, '--count', '30'], { env });
      expect(seeded.code, seeded.stderr).to.equal(0);
      expect(existsSync(join(dataDir, 'keys', 'demo.pub.pem'))).to.equal(true);
      expect(statSync(join(dataDir, 'keys', 'demo.pem')).mode & 0o777, 'private key readable by its owner only').to.equal(0o600);
      const verified = await runCli(['verify', '--namespace', signed, '--json'], { env });
      expect(verified.code, verified.stderr).to.equal(0);
      const report = JSON.parse(verified.stdout) as { status: string; producers: { status: string; checkpoints: { trusted: number } }[] };
      expect(report.status).to.equal('intact');
      expect(report.producers).to.have.length(1);
      expect(report.producers[0]!.checkpoints.trusted).to.be.greaterThan(0);
      expect(verified.stdout + verified.stderr).to.not.include('PRIVATE KEY');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await dropNamespace(testClient(), signed);
    }
  });

  it('refuses a cluster that is not on loopback (exit 2) unless --allow-remote, printing no password', async () => {
    const env = cliEnv({ OPENSEARCH_URL: `http://auditor:${URL_SECRET}@192.0.2.10:9200` });
    const r = await runCli(['demo'], { env });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('the cluster http://192.0.2.10:9200 as auditor is not on this machine').and.include('--allow-remote');
  });

  it("refuses the 'default' namespace (exit 2) and a namespace holding other events (exit 1)", async () => {
    const def = await runCli(['demo', '--namespace', 'default']);
    expect(def.code).to.equal(2);
    expect(def.stderr).to.include("never 'default'");
    const client = testClient();
    await runCli(['setup', '--namespace', occupied]);
    await client.index({ index: dataStreamName(occupied), op_type: 'create', body: { '@timestamp': new Date().toISOString(), audit_trail: { producer: 'billing' } }, refresh: true } as never);
    const r = await runCli(['demo', '--namespace', occupied]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include(`namespace '${occupied}' already holds 1 events not written by the demo`);
    expect((await client.count({ index: dataStreamName(occupied) })).body.count).to.equal(1);
  });
});
