// The npm package as users get it: `npm pack` (built by prepack), installed into a temporary app, used with import and require(), its bin run, one event delivered through the installed transport.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from '../helpers/chai.js';
import { testClient, testOpenSearchUrl } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { dataStreamName } from '../../src/storage/template.js';
import { cliEnv, root, runCli } from './run-cli.js';

const run = promisify(execFile);

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
}

const ESM_APP = `
import winston from 'winston';
import * as lib from 'audit-trail-opensearch';
import * as web from 'audit-trail-opensearch/web';
const transport = new lib.OpenSearchAuditTransport({ node: process.env.OPENSEARCH_URL, namespace: process.env.NS, serviceName: 'package-test' });
const logger = winston.createLogger({ transports: [transport] });
logger.info('workspace created', { audit: { action: 'create', actor: { id: 'u-1', name: 'alice' }, resource: { type: 'workspace', id: 'ws-1', target: 'pkg' } } });
await new Promise((resolve) => { logger.on('finish', resolve); logger.end(); });
console.log(JSON.stringify({ delivered: transport.stats().delivered, web: typeof web.startWebServer, users: typeof web.UserStore, setup: typeof lib.setupAuditStorage }));
`;

const CJS_APP = `
const lib = require('audit-trail-opensearch');
const web = require('audit-trail-opensearch/web');
console.log(JSON.stringify({ transport: typeof lib.OpenSearchAuditTransport, createWebApp: typeof web.createWebApp, version: require('audit-trail-opensearch/package.json').version }));
`;

describe('the npm package (packed, installed, used)', function () {
  this.timeout(15 * 60_000);
  const tmp = mkdtempSync(join(tmpdir(), 'audit-pack-'));
  const app = join(tmp, 'app');
  const namespace = freshNamespace();
  let pack: PackResult;

  before(async () => {
    const packed = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    pack = (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as PackResult[])[0]!;
    console.log(`      tarball ${pack.filename}: ${(pack.size / 1024).toFixed(1)} kB packed, ${(pack.unpackedSize / 1024).toFixed(1)} kB unpacked, ${pack.entryCount} files`);
    writeFileSync(join(tmp, 'package.json'), '{}');
    await run('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    // --ignore-scripts: better-sqlite3 would otherwise compile itself (minutes); nothing here opens SQLite.
    await run('npm', ['install', join(tmp, pack.filename), 'winston', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: app, maxBuffer: 64 * 1024 * 1024 });
    writeFileSync(join(app, 'esm.mjs'), ESM_APP);
    writeFileSync(join(app, 'cjs.cjs'), CJS_APP);
  });
  after(async () => {
    await dropNamespace(testClient(), namespace);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('holds the compiled code, declarations, web templates and static files, and no sources or tests', () => {
    const paths = pack.files.map((f) => f.path);
    for (const wanted of ['dist/index.js', 'dist/index.d.ts', 'dist/web/index.js', 'dist/web/index.d.ts', 'dist/cli/main.js', 'dist/web/views/layouts/main.hbs', 'dist/web/public/audit.css', 'dashboards/audit-trail.ndjson', 'README.md', 'package.json']) {
      expect(paths, wanted).to.include(wanted);
    }
    expect(paths.filter((p) => !p.startsWith('dist/') && !['package.json', 'README.md', 'dashboards/audit-trail.ndjson'].includes(p))).to.deep.equal([]);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).to.deep.equal([]);
    expect(paths.filter((p) => /^dist\/dev\/(start|generate|readme)/.test(p))).to.deep.equal([]);
  });

  it('delivers an event through the installed transport (import), and exposes ./web', async () => {
    await runCli(['setup', '--namespace', namespace]);
    const { stdout } = await run(process.execPath, ['esm.mjs'], { cwd: app, env: { ...process.env, OPENSEARCH_URL: testOpenSearchUrl(), NS: namespace } });
    expect(JSON.parse(stdout)).to.deep.equal({ delivered: 1, web: 'function', users: 'function', setup: 'function' });
    const client = testClient();
    await client.indices.refresh({ index: dataStreamName(namespace) });
    const found = await client.count({ index: dataStreamName(namespace), body: { query: { term: { 'event.action': 'create' } } } });
    expect(found.body.count).to.equal(1);
  });

  it('loads with require() (Node >= 20.19: require of ES modules)', async () => {
    const { stdout, stderr } = await run(process.execPath, ['cjs.cjs'], { cwd: app });
    expect(JSON.parse(stdout)).to.deep.equal({ transport: 'function', createWebApp: 'function', version: JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(root, 'package.json'), 'utf8'))).version });
    expect(stderr).not.to.match(/Error/);
  });

  it('runs the installed bin: --help, and setup against the test node (idempotent)', async () => {
    const bin = join(app, 'node_modules', 'audit-trail-opensearch', 'dist', 'cli', 'main.js');
    const { stdout: linked } = await run(join(app, 'node_modules', '.bin', 'audit-trail'), ['--help']);
    expect(linked).to.include('usage: audit-trail <command>');
    const setup = await runCli(['setup', '--namespace', namespace], { bin, env: cliEnv() });
    expect(setup.code, setup.stderr).to.equal(0);
    expect(setup.stderr).to.include('template unchanged').and.include('already there');
    const users = await runCli(['users', 'list'], { bin, env: cliEnv({ AUDIT_WEB_DATA_DIR: undefined }) });
    expect(users.code).to.equal(2);
    expect(users.stderr).to.include('"AUDIT_WEB_DATA_DIR" is not set');
  });
});
