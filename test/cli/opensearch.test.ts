// `audit-trail opensearch status`: the configured cluster when OPENSEARCH_URL is set, else the local node (exit 3 when not running).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../helpers/chai.js';
import { cliEnv, runCli, URL_SECRET } from './run-cli.js';

describe('audit-trail opensearch', function () {
  this.timeout(60_000);

  it('status of the configured cluster: answers (exit 0) with its version, never the password', async () => {
    const r = await runCli(['opensearch', 'status']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^cluster at http:\/\/127\.0\.0\.1:\d+ as auditor answers \(OpenSearch 2\.\d+\.\d+\)/);
  });

  it('status of a cluster that does not answer: exit 3', async () => {
    const r = await runCli(['opensearch', 'status'], { env: cliEnv({ OPENSEARCH_URL: `http://u:${URL_SECRET}@127.0.0.1:9` }) });
    expect(r.code).to.equal(3);
    expect(r.stdout).to.include('cluster at http://127.0.0.1:9 as u does not answer');
  });

  it('status of a local node that was never started: exit 3', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'audit-cli-os-'));
    try {
      const r = await runCli(['opensearch', 'status', '--name', 'never'], { env: cliEnv({ OPENSEARCH_URL: undefined, AUDIT_TRAIL_CACHE_DIR: cache }) });
      expect(r.code).to.equal(3);
      expect(r.stdout).to.include("node 'never' is not running");
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('a bad --nodes: exit 2 with the range; a cluster started again with another size: exit 1 saying which size it has', async () => {
    const bad = await runCli(['opensearch', 'start', '--nodes', '0']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('--nodes 0: give a number of nodes from 1 to 9');
    const cache = mkdtempSync(join(tmpdir(), 'audit-cli-os-'));
    try {
      mkdirSync(join(cache, 'clusters'));
      const made = { nodes: 3, heap: '320m', createdAt: new Date().toISOString(), members: [1, 2, 3].map((i) => ({ name: `three-n${i}`, port: 9, transportPort: 9, url: 'http://127.0.0.1:9' })) };
      writeFileSync(join(cache, 'clusters', 'three.json'), JSON.stringify(made));
      const env = cliEnv({ OPENSEARCH_URL: undefined, AUDIT_TRAIL_CACHE_DIR: cache });
      const other = await runCli(['opensearch', 'start', '--name', 'three', '--nodes', '2'], { env });
      expect(other.code).to.equal(1);
      expect(other.stderr).to.include("local cluster 'three' was made with 3 nodes: start it with --nodes 3, or choose another --name");
      const status = await runCli(['opensearch', 'status', '--name', 'three'], { env });
      expect(status.code).to.equal(3);
      expect(status.stdout.trim().split('\n')).to.deep.equal(['three-n1', 'three-n2', 'three-n3'].map((n) => `node '${n}' is not running`));
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('a bad action or port: exit 2', async () => {
    expect((await runCli(['opensearch', 'restart'])).code).to.equal(2);
    const r = await runCli(['opensearch', 'start', '--port', '70000']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('--port 70000 is not a valid port');
  });
});
