// `audit-trail retention` from the command line: exit codes, what status shows, and every change and run recorded as an audit event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { dataStreamName } from '../../src/storage/template.js';
import { cliEnv, runCli } from './run-cli.js';

describe('audit-trail retention', function () {
  this.timeout(120_000);
  const namespace = freshNamespace();
  const recorded = freshNamespace();
  const dataDir = mkdtempSync(join(tmpdir(), 'retention-cli-'));
  // Built when used: the suite's node is known only once the global fixture has run.
  const env = () => cliEnv({ AUDIT_WEB_DATA_DIR: dataDir, AUDIT_WEB_NAMESPACE: recorded });
  const run = (...args: string[]) => runCli(['retention', ...args], { env: env() });

  before(async () => {
    const setup = await runCli(['setup', '--namespace', namespace], { env: env() });
    expect(setup.code, setup.stderr).to.equal(0);
  });
  after(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await dropNamespace(testClient(), namespace);
    await dropNamespace(testClient(), recorded);
  });

  it('refuses a period it cannot read, and a missing --namespace, with exit 2 and nothing changed', async () => {
    const bad = await run('set', '--namespace', namespace, '--keep', '3months');
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('3months');
    expect((await run('hold', '--reason', 'x')).code).to.equal(2);
    const status = await run('status', '--namespace', namespace);
    expect(status.code, status.stderr).to.equal(0);
    expect(status.stdout).to.include('forever');
  });

  it('sets a period, holds, applies (a dry run) and releases: each shown by status and recorded as an audit event', async () => {
    for (const args of [['set', '--namespace', namespace, '--keep', '30d'], ['hold', '--namespace', namespace, '--reason', 'case 42'], ['apply', '--namespace', namespace, '--dry-run']]) {
      const r = await run(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(0);
    }
    const held = await run('status', '--namespace', namespace);
    expect(held.stdout).to.include('30d').and.match(/hold/i).and.include('case 42');
    const released = await run('release', '--namespace', namespace, '--reason', 'case closed');
    expect(released.code, released.stderr).to.equal(0);
    expect((await run('status', '--namespace', namespace)).stdout).to.not.include('case 42');

    const client = testClient();
    await client.indices.refresh({ index: dataStreamName(recorded) });
    const hits = (await client.search({ index: dataStreamName(recorded), body: { size: 50, query: { term: { 'audit_trail.resource.id': `retention:${namespace}` } }, sort: [{ 'event.sequence': 'asc' }] } })).body.hits.hits;
    const kinds = hits.map((h) => (h._source as { audit_trail: { details: { kind: string } } }).audit_trail.details.kind);
    expect(kinds).to.include.members(['retention.set', 'retention.hold', 'retention.run', 'retention.release']);
    for (const hit of hits) expect((hit._source as { user: { id: string } }).user.id).to.match(/^os:/);
  });
});
