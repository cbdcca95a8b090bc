// `audit-trail serve` as a child process: refuses unsafe settings (exit 2), serves /healthz (200, or 503 without OpenSearch), drains on SIGTERM and exits 0.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { expect } from '../helpers/chai.js';
import { openWebDatabase } from '../../src/web/auth/data.js';
import { UserStore } from '../../src/web/auth/users.js';
import { cliEnv, finished, runCli, spawnCli, URL_SECRET, type CliResult } from './run-cli.js';

/** Waits for serve's "listening on URL" line; fails with its output if it exits first. */
function listening(child: ChildProcess, done: Promise<CliResult>): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void done.then((r) => reject(new Error(`serve exited ${r.code} before listening: ${r.stderr}`)), reject);
  });
}

describe('audit-trail serve', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'audit-cli-serve-'));
  const empty = mkdtempSync(join(tmpdir(), 'audit-cli-serve-empty-'));
  before(async () => {
    const users = new UserStore(openWebDatabase(dir));
    await users.add('sam', 'site_manager', 'a long enough password');
    users.close();
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });

  describe('refuses unsafe or broken settings with what to set (exit 2)', () => {
    const refused = async (env: Record<string, string>, ...messages: string[]) => {
      const r = await runCli(['serve'], { env: cliEnv({ AUDIT_WEB_DATA_DIR: dir, AUDIT_WEB_PORT: '0', ...env }) });
      expect(r.code, r.stderr).to.equal(2);
      for (const message of messages) expect(r.stderr).to.include(message);
    };

    it('no users yet', () => refused({ AUDIT_WEB_DATA_DIR: empty }, 'holds no users yet', "add one with 'audit-trail users add NAME --role site_manager'"));
    it('a non-loopback address without AUDIT_WEB_SECURE', () => refused({ AUDIT_WEB_HOST: '0.0.0.0' }, '"AUDIT_WEB_HOST" is 0.0.0.0, reachable from other machines, and AUDIT_WEB_SECURE is not set'));
    it('AUDIT_WEB_SECURE without AUDIT_WEB_TRUST_PROXY', () => refused({ AUDIT_WEB_SECURE: '1' }, '"AUDIT_WEB_TRUST_PROXY" is not set while AUDIT_WEB_SECURE=1'));
    it('a trust-everyone proxy setting', () => refused({ AUDIT_WEB_SECURE: '1', AUDIT_WEB_TRUST_PROXY: 'true' }, '"AUDIT_WEB_TRUST_PROXY" must not be true'));
    it('a short session secret', () => refused({ AUDIT_WEB_SESSION_SECRET: 'short-secret' }, '"AUDIT_WEB_SESSION_SECRET" is shorter than 32 characters'));
    it('a bad port', () => refused({ AUDIT_WEB_PORT: 'eighty' }, '"AUDIT_WEB_PORT" must be a port number'));
    it('a verify key file that cannot be read', () => refused({ AUDIT_WEB_VERIFY_KEYS: join(empty, 'nowhere.pub.pem') }, `"AUDIT_WEB_VERIFY_KEYS" names ${join(empty, 'nowhere.pub.pem')}, which cannot be read (ENOENT)`));
  });

  describe('running', () => {
    it('answers /healthz 200 without signing in, guards the audit page, and exits 0 on SIGTERM', async () => {
      const child = spawnCli(['serve', '--port', '0'], cliEnv({ AUDIT_WEB_DATA_DIR: dir }));
      const done = finished(child);
      const url = await listening(child, done);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).to.equal(200);
      expect(await health.json()).to.deep.equal({ status: 'ok' });
      expect(health.headers.get('set-cookie')).to.equal(null);
      const page = await fetch(`${url}/manage/audit`, { redirect: 'manual' });
      expect(page.status).to.equal(303);
      expect(page.headers.get('location')).to.match(/^\/login/);
      child.kill('SIGTERM');
      const r = await done;
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.include('[serve] SIGTERM: no new connections').and.include('[serve] stopped');
    });

    it('answers /healthz 503 while OpenSearch does not answer, and says so at start', async () => {
      const child = spawnCli(['serve', '--port', '0'], cliEnv({ AUDIT_WEB_DATA_DIR: dir, OPENSEARCH_URL: `http://u:${URL_SECRET}@127.0.0.1:9` }));
      const done = finished(child);
      const url = await listening(child, done);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).to.equal(503);
      expect(await health.json()).to.deep.equal({ status: 'unavailable', opensearch: 'not reachable' });
      child.kill('SIGINT');
      const r = await done;
      expect(r.code).to.equal(0);
      expect(r.stderr).to.include('warning: OpenSearch at http://127.0.0.1:9 as u does not answer');
    });

    it('finishes a request in flight before exiting on SIGTERM', async () => {
      // A stand-in OpenSearch answering GET / slowly, so /healthz is still in flight when SIGTERM comes.
      let delay = 0;
      const slow: Server = createServer((_req, res) => {
        setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: { number: '2.19.6', distribution: 'opensearch' } })), delay);
      });
      await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
      try {
        const port = (slow.address() as AddressInfo).port;
        const child = spawnCli(['serve', '--port', '0'], cliEnv({ AUDIT_WEB_DATA_DIR: dir, OPENSEARCH_URL: `http://127.0.0.1:${port}` }));
        const done = finished(child);
        const url = await listening(child, done);
        delay = 1500;
        const inFlight = fetch(`${url}/healthz`);
        await new Promise((resolve) => setTimeout(resolve, 400));
        child.kill('SIGTERM');
        const health = await inFlight;
        expect(health.status).to.equal(200);
        expect(await health.json()).to.deep.equal({ status: 'ok' });
        expect((await done).code).to.equal(0);
        await expect(fetch(`${url}/healthz`)).to.be.rejected;
      } finally {
        slow.closeAllConnections();
        slow.close();
      }
    });
  });
});
