// `audit-trail setup` against the real test node: idempotent, --namespace, settings file, and errors that say what to do.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { dataStreamName } from '../../src/storage/template.js';
import { cliEnv, runCli, URL_SECRET } from './run-cli.js';

describe('audit-trail setup', function () {
  this.timeout(60_000);
  const namespace = freshNamespace();
  const dir = mkdtempSync(join(tmpdir(), 'audit-cli-setup-'));
  after(async () => {
    await dropNamespace(testClient(), namespace);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('on the test node', () => {
    it('creates the namespace data stream, then finds everything in place the second time (exit 0 both)', async () => {
      const first = await runCli(['setup', '--namespace', namespace]);
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stdout.trim()).to.equal(`ready: ${dataStreamName(namespace)}`);
      expect(first.stderr).to.match(/\[setup\] OpenSearch 2\.\d+\.\d+ at http:\/\/127\.0\.0\.1:\d+ as auditor/);
      expect(first.stderr).to.include(`data stream ${dataStreamName(namespace)} created`);
      const streams = await testClient().indices.getDataStream({ name: dataStreamName(namespace) });
      expect(streams.body.data_streams.map((s: { name: string }) => s.name)).to.deep.equal([dataStreamName(namespace)]);

      const second = await runCli(['setup', '--namespace', namespace]);
      expect(second.code, second.stderr).to.equal(0);
      expect(second.stderr).to.include('template unchanged').and.include(`data stream ${dataStreamName(namespace)} already there`);
      expect(second.stderr, 'the replica choice, counted').to.include('[setup] replicas 0 (1 data node)');
      expect(second.stderr, 'the search setting').to.include('[setup] concurrent segment search auto');
    });

    it('--replicas: says it was given and that one node cannot hold it; auto counts again', async () => {
      const given = await runCli(['setup', '--namespace', namespace, '--replicas', '1']);
      expect(given.code, given.stderr).to.equal(0);
      expect(given.stderr).to.include('[setup] replicas 1 (as --replicas says; 1 data node); warning: 1 replica(s) need 2 data nodes and the cluster has 1');
      const auto = await runCli(['setup', '--namespace', namespace, '--replicas', 'auto']);
      expect(auto.code, auto.stderr).to.equal(0);
      expect(auto.stderr).to.include('[setup] replicas 0 (1 data node)');
      const bad = await runCli(['setup', '--namespace', namespace, '--replicas', 'two']);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.include('--replicas two: give auto or a whole number from 0 to 5');
    });

    it('reads the cluster from a settings file when the environment has none, the environment winning', async () => {
      const file = join(dir, 'settings.json');
      writeFileSync(file, JSON.stringify({ OPENSEARCH_URL: 'http://127.0.0.1:9' }));
      const fromFile = await runCli(['setup', '--namespace', namespace, '--config', file], { env: cliEnv({ OPENSEARCH_URL: undefined }) });
      expect(fromFile.code).to.equal(1);
      expect(fromFile.stderr).to.include('cannot reach OpenSearch at http://127.0.0.1:9');
      const envWins = await runCli(['setup', '--namespace', namespace, '--config', file]);
      expect(envWins.code, envWins.stderr).to.equal(0);
    });
  });

  describe('errors', () => {
    it('an unreachable cluster: exit 1, says what to check, never prints the password', async () => {
      const r = await runCli(['setup'], { env: cliEnv({ OPENSEARCH_URL: `http://auditor:${URL_SECRET}@127.0.0.1:9` }) });
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include('cannot reach OpenSearch at http://127.0.0.1:9 as auditor').and.include('check OPENSEARCH_URL');
    });

    it('no cluster configured, a bad namespace, a secret in the settings file: exit 2 naming what to set', async () => {
      const none = await runCli(['setup'], { env: cliEnv({ OPENSEARCH_URL: undefined }) });
      expect(none.code).to.equal(2);
      expect(none.stderr).to.include('"OPENSEARCH_URL" is not set: give the cluster URL');
      const bad = await runCli(['setup', '--namespace', 'Not-Valid']);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.include('use lower-case letters, digits and _');
      const file = join(dir, 'secret.json');
      writeFileSync(file, JSON.stringify({ OPENSEARCH_PASSWORD: URL_SECRET }));
      const secret = await runCli(['setup', '--config', file]);
      expect(secret.code).to.equal(2);
      expect(secret.stderr).to.include('"OPENSEARCH_PASSWORD" must not be in the settings file').and.include('OPENSEARCH_PASSWORD_FILE');
      writeFileSync(file, JSON.stringify({ AUDIT_WEB_PROT: 8080 }));
      expect((await runCli(['setup', '--config', file])).stderr).to.include('"AUDIT_WEB_PROT" is not a setting');
    });
  });
});
