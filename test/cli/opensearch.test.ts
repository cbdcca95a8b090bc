// `audit-trail opensearch status`: the configured cluster when OPENSEARCH_URL is set, else the local node (exit 3 when not running).
import { mkdtempSync, rmSync } from 'node:fs';
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

  it('a bad action or port: exit 2', async () => {
    expect((await runCli(['opensearch', 'restart'])).code).to.equal(2);
    const r = await runCli(['opensearch', 'start', '--port', '70000']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('--port 70000 is not a valid port');
  });
});
