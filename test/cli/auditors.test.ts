// Auditing the auditors against the real node: sign-ins, reads, exports, API calls and sign-out in `serve`'s web view, user and token changes in the CLI, all found as audit events with no secret in them; the spool keeps them while the cluster is away.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient, testOpenSearchUrl } from '../helpers/opensearch.js';
import { useAuditNamespace } from '../helpers/namespace.js';
import { ACCOUNTS, HttpSession, PASSWORD, seedEvents } from '../web/harness.js';
import { cliEnv, runCli } from './run-cli.js';
import { openWebDatabase } from '../../src/web/auth/data.js';
import { UserStore } from '../../src/web/auth/users.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { serveWeb } from '../../src/cli/serve.js';
import { clusterFromEnvironment } from '../../src/cli/config.js';
import { createAuditorRecorder, cliSpoolDir, webSpoolDir } from '../../src/cli/auditor-recorder.js';
import { AUDITOR_SERVICE } from '../../src/cli/auditor-events.js';
import { osUserName } from '../../src/cli/cli-audit.js';
import type { CliContext } from '../../src/cli/command.js';
import type { Role } from '../../src/model/vocabulary.js';
import { newKeyPairPem } from '../../src/integrity/keys.js';

const signingKey = newKeyPairPem().privatePem;

interface Doc {
  '@timestamp': string;
  event: { action: string; outcome: string; reason?: string; sequence: number };
  user: { id: string; name?: string; roles?: string[] };
  audit_trail: { resource: { type: string; id: string; target?: string }; details?: Record<string, unknown>; diff?: Record<string, unknown>; producer: string };
  service?: { name?: string };
  source?: { ip?: string };
}

/** A closed port: connections are refused at once. */
const DEAD_URL = 'http://127.0.0.1:1';
const WRONG_PASSWORD = 'not-the-password-4u7x';

const context = (): CliContext => ({ env: {}, out: () => undefined, err: () => undefined, stdin: (async function* () {})(), secrets: new Set() });

async function makeDataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'audit-auditors-'));
  const users = new UserStore(openWebDatabase(dir));
  for (const [role, name] of Object.entries(ACCOUNTS)) await users.add(name, role as Role, PASSWORD);
  users.close();
  return dir;
}

/** The auditors' events in the index, oldest first, once `done` says they are all there (polled after refresh). */
async function auditorDocs(client: Client, index: string, done: (docs: Doc[]) => boolean, what: string): Promise<Doc[]> {
  let docs: Doc[] = [];
  for (let i = 0; i < 120; i++) {
    await client.indices.refresh({ index });
    const res = await client.search({ index, body: { size: 500, query: { term: { 'service.name': AUDITOR_SERVICE } }, sort: [{ '@timestamp': 'asc' }, { 'event.sequence': 'asc' }] } } as never);
    docs = (res.body as { hits: { hits: { _source: Doc }[] } }).hits.hits.map((h) => h._source);
    if (done(docs)) return docs;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: not found in 30 s; have ${JSON.stringify(docs.map((d) => [d.audit_trail.details?.kind, d.event.outcome]))}`);
}

const kindOf = (d: Doc): unknown => d.audit_trail.details?.kind;
const ofKind = (docs: Doc[], kind: string): Doc[] => docs.filter((d) => kindOf(d) === kind);

describe('auditing the auditors (real OpenSearch)', function () {
  this.timeout(240_000);
  const ns = useAuditNamespace();

  describe('serve and the CLI, end to end', () => {
    let dataDir: string;
    let web: WebServer;
    let eventId: string;
    const secrets: string[] = [PASSWORD, WRONG_PASSWORD];
    const env = (extra: Record<string, string> = {}) => cliEnv({ AUDIT_WEB_DATA_DIR: dataDir, AUDIT_WEB_NAMESPACE: ns.namespace, ...extra });
    const cli = async (args: string[], input?: string): Promise<string> => {
      const r = await runCli(args, { env: env(), ...(input !== undefined ? { input } : {}) });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(0);
      expect(r.stderr, 'the event reached OpenSearch in time').not.to.include('stays in');
      return r.stdout;
    };

    before(async () => {
      const [seeded] = await seedEvents(ns.client, ns.namespace, [{ action: 'login', actor: { id: 'u-bob', name: 'bob' }, resource: { type: 'user', id: 'u-bob' }, outcome: 'failure', reason: 'seed' }]);
      eventId = seeded!.id;
      dataDir = await makeDataDir();
      const cluster = clusterFromEnvironment({ OPENSEARCH_URL: testOpenSearchUrl() }, context());
      web = await serveWeb({ cluster, dataDir, log: () => undefined, settings: { port: 0, host: '127.0.0.1', secure: false, trustProxy: false, namespace: ns.namespace, timeZone: 'UTC' } });
    });
    after(async () => {
      await web?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('records every sign-in, read, export, API call, sign-out and user or token change, with who, what and how it went, and no secret', async () => {
      // The CLI: tokens for the API (an auditor's and a member's), then a user's whole life.
      const siem = /token: (atr_\S+)/.exec(await cli(['tokens', 'create', 'siem', '--role', 'auditor']))![1]!;
      const memberToken = /token: (atr_\S+)/.exec(await cli(['tokens', 'create', 'bob-token', '--role', 'member']))![1]!;
      const danaPassword = /password: (\S+)/.exec(await cli(['users', 'add', 'dana', '--role', 'auditor']))![1]!;
      await cli(['users', 'reset', 'dana', '--role', 'site_manager', '--password-stdin'], 'a brand new long password');
      await cli(['users', 'role', 'dana', 'member']);
      await cli(['users', 'remove', 'dana']);
      await cli(['tokens', 'revoke', 'siem']);
      const refused = await runCli(['users', 'remove', 'nobody'], { env: env() });
      expect(refused.code).to.equal(1);
      secrets.push(siem, memberToken, danaPassword, 'a brand new long password', siem.slice(-43), memberToken.slice(-43));

      // The web view, as the auditor: a wrong password, then the right one; the list with a filter, one event, an export, sign-out.
      const s = new HttpSession(web.url, { headers: { 'user-agent': 'auditors-test/1.0' } });
      expect((await s.signIn(ACCOUNTS.auditor, WRONG_PASSWORD)).status).to.equal(401);
      expect((await s.signIn('nobody-here', WRONG_PASSWORD)).status).to.equal(401);
      expect((await s.signIn(ACCOUNTS.auditor)).status).to.equal(303);
      const sid = s.cookieValue.split('=')[1]!;
      secrets.push(sid, decodeURIComponent(sid).slice(2).split('.')[0]!);
      expect((await s.request('/manage/audit?q=outcome%3Afailure')).status).to.equal(200);
      expect((await s.request(`/manage/audit/events/${eventId}`)).status).to.equal(200);
      const csv = await s.request('/manage/audit/export.csv?q=outcome%3Afailure');
      expect(csv.status).to.equal(200);
      const csvRows = Number(/# rows: (\d+)/.exec(await csv.text())![1]);
      const csrf = await s.token(`/manage/audit/events/${eventId}`);
      expect((await s.request('/logout', { form: { _csrf: csrf } })).status).to.equal(303);
      // A member signed in is refused the list: recorded as a failed read.
      const m = new HttpSession(web.url);
      await m.signIn(ACCOUNTS.member);
      expect((await m.request('/manage/audit')).status).to.equal(403);
      // The API: a revoked token is refused before anyone is known (401, not an auditor's action); a member's token is refused (403, recorded); an auditor's is answered.
      const api = (token: string) => fetch(`${web.url}/api/v1/events?q=action%3Alogin`, { headers: { authorization: `Bearer ${token}` } });
      expect((await api(siem)).status).to.equal(401);
      expect((await api(memberToken)).status).to.equal(403);
      const reader = /token: (atr_\S+)/.exec(await cli(['tokens', 'create', 'reader', '--role', 'auditor']))![1]!;
      secrets.push(reader);
      expect((await api(reader)).status).to.equal(200);

      const docs = await auditorDocs(ns.client, ns.index, (d) => ofKind(d, 'api.events.list').length >= 2 && ofKind(d, 'sign_out').length >= 1 && ofKind(d, 'token.create').length >= 3, 'every auditor event');
      const one = (kind: string, outcome = 'success'): Doc => {
        const found = ofKind(docs, kind).filter((d) => d.event.outcome === outcome);
        expect(found, `${kind} ${outcome}`).to.have.length.greaterThan(0);
        return found[0]!;
      };
      const os = `os:${osUserName()}`;

      // Sign-ins: the name tried and why, never the password.
      const wrong = ofKind(docs, 'sign_in').filter((d) => d.event.outcome === 'failure');
      expect(wrong.map((d) => [d.user.name, d.event.reason])).to.deep.equal([[ACCOUNTS.auditor, 'wrong password'], ['nobody-here', 'no such user']]);
      expect(wrong[0]!.event.action).to.equal('login');
      const signIn = one('sign_in');
      expect(signIn.event.action).to.equal('login');
      expect(signIn.user).to.include({ id: ACCOUNTS.auditor, name: ACCOUNTS.auditor });
      expect(signIn.user.roles).to.deep.equal(['auditor']);
      expect(signIn.audit_trail.resource).to.deep.equal({ type: 'user', id: ACCOUNTS.auditor, target: ACCOUNTS.auditor });
      expect(signIn.source?.ip).to.be.a('string');

      // Reads: the filter, the rows, the event, the format.
      const list = ofKind(docs, 'audit.list').find((d) => d.audit_trail.details?.query === 'outcome:failure')!;
      expect(list, 'the filtered list').to.exist;
      expect(list.event.action).to.equal('view');
      expect(list.audit_trail.resource).to.deep.equal({ type: 'audit_log', id: 'events', target: 'outcome:failure' });
      expect(list.audit_trail.details).to.include({ status: 200, via: 'web' });
      expect(list.audit_trail.details?.rows).to.be.a('number').and.be.greaterThan(0);
      expect(list.user.id).to.equal(ACCOUNTS.auditor);
      const event = one('audit.event');
      expect(event.audit_trail.resource).to.include({ type: 'audit_log', id: eventId });
      expect(event.audit_trail.details).to.include({ event_id: eventId, status: 200 });
      const exported = one('audit.export');
      expect(exported.audit_trail.resource).to.deep.equal({ type: 'audit_log', id: 'export.csv', target: 'outcome:failure' });
      expect(exported.audit_trail.details).to.include({ format: 'csv', rows: csvRows, query: 'outcome:failure', status: 200 });
      const memberList = one('audit.list', 'failure');
      expect(memberList.user.name).to.equal(ACCOUNTS.member);
      expect(memberList.event.reason).to.equal("the role 'member' may not open Manage > Audit");
      expect(one('sign_out').event.action).to.equal('delete');
      expect(one('sign_out').audit_trail.resource).to.deep.equal({ type: 'session', id: `web:${ACCOUNTS.auditor}`, target: ACCOUNTS.auditor });

      // The API: the token by name; a member's token refused.
      const apiOk = one('api.events.list');
      expect(apiOk.user).to.include({ id: 'token:reader', name: 'reader' });
      expect(apiOk.audit_trail.details).to.include({ via: 'api', query: 'action:login', status: 200 });
      const apiRefused = one('api.events.list', 'failure');
      expect(apiRefused.user).to.include({ id: 'token:bob-token' });
      expect(apiRefused.audit_trail.details).to.include({ status: 403 });

      // The CLI's changes: the OS user as a site manager, via the CLI.
      for (const [kind, action, type, id] of [
        ['token.create', 'create', 'api_key', 'siem'], ['token.create', 'create', 'api_key', 'bob-token'], ['user.create', 'create', 'user', 'dana'],
        ['user.reset', 'write', 'user', 'dana'], ['user.role', 'write', 'user', 'dana'], ['user.remove', 'delete', 'user', 'dana'], ['token.revoke', 'delete', 'api_key', 'siem'],
      ] as const) {
        const d = ofKind(docs, kind).find((x) => x.audit_trail.resource.id === id && x.event.outcome === 'success');
        expect(d, `${kind} ${id}`).to.exist;
        expect(d!.event.action).to.equal(action);
        expect(d!.audit_trail.resource.type).to.equal(type);
        expect(d!.user.id).to.equal(os);
        expect(d!.user.roles).to.deep.equal(['site_manager']);
        expect(d!.audit_trail.details).to.include({ via: 'cli' });
      }
      expect(ofKind(docs, 'user.role')[0]!.audit_trail.diff).to.deep.equal({ role: { old: 'site_manager', new: 'member' } });
      expect(ofKind(docs, 'user.reset')[0]!.audit_trail.diff).to.deep.equal({ role: { old: 'auditor', new: 'site_manager' } });
      const refusedRemove = ofKind(docs, 'user.remove').find((d) => d.event.outcome === 'failure')!;
      expect(refusedRemove.event.reason).to.include("no user 'nobody'");

      // One producer for the web view, another for the CLI; each with its own sequence.
      const webProducers = new Set(docs.filter((d) => d.audit_trail.details?.via !== 'cli').map((d) => d.audit_trail.producer));
      const cliProducers = new Set(docs.filter((d) => d.audit_trail.details?.via === 'cli').map((d) => d.audit_trail.producer));
      expect(webProducers.size).to.equal(1);
      expect(cliProducers.size).to.equal(1);
      expect([...webProducers][0]).not.to.equal([...cliProducers][0]);

      // No password, token or session id anywhere.
      const all = JSON.stringify(docs);
      for (const secret of secrets) expect(all, 'a secret in the auditors\' events').not.to.include(secret);
    });
  });

  describe('while the cluster is away', () => {
    let dataDir: string;
    beforeEach(async () => {
      dataDir = await makeDataDir();
    });
    afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

    it("keeps the web view's sign-in and reads in its spool and delivers them after a restart on the same data directory", async () => {
      const dead = clusterFromEnvironment({ OPENSEARCH_URL: DEAD_URL }, context());
      const away = createAuditorRecorder({ client: dead.client, namespace: ns.namespace, spoolDir: webSpoolDir(dataDir), signingKey, log: () => undefined, closeTimeoutMs: 500 });
      const producer = away.logger.transport.producerId;
      const web = await startWebServer({ client: dead.client, port: 0, dataDir, timeZone: 'UTC', onAuditorAction: away.hook });
      const s = new HttpSession(web.url);
      expect((await s.signIn(ACCOUNTS.site_manager)).status).to.equal(303);
      expect((await s.request('/manage/audit?q=user%3Aspooled-check')).status).to.equal(503);
      await web.close();
      expect(await away.close(), 'undelivered, kept in the spool: two events and the closing checkpoint').to.equal(3);
      expect(away.logger.stats().spooledBytes).to.be.greaterThan(0);
      await dead.client.close();

      const back = createAuditorRecorder({ client: ns.client, namespace: ns.namespace, spoolDir: webSpoolDir(dataDir), signingKey, log: () => undefined });
      expect(back.logger.transport.producerId, 'the same producer after the restart').to.equal(producer);
      try {
        const docs = await auditorDocs(ns.client, ns.index, (d) => d.some((x) => x.audit_trail.producer === producer && kindOf(x) === 'audit.list'), 'the spooled events');
        const mine = docs.filter((d) => d.audit_trail.producer === producer);
        expect(mine.map((d) => [kindOf(d), d.event.outcome])).to.deep.equal([['sign_in', 'success'], ['audit.list', 'failure']]);
        expect(mine.map((d) => d.event.sequence)).to.deep.equal([1, 2]);
        expect(mine[1]!.audit_trail.details).to.include({ query: 'user:spooled-check', status: 503 });
      } finally {
        await back.close();
      }
    });

    it('the CLI makes the change, says the event stays in its spool, and the next run sends it', async () => {
      const down = await runCli(['users', 'add', 'frank', '--role', 'auditor'], { env: cliEnv({ AUDIT_WEB_DATA_DIR: dataDir, AUDIT_WEB_NAMESPACE: ns.namespace, OPENSEARCH_URL: DEAD_URL }) });
      expect(down.code, down.stderr).to.equal(0);
      expect(down.stdout).to.include('added frank (auditor)');
      expect(down.stderr).to.include(`stays in ${cliSpoolDir(dataDir)}`);
      const up = await runCli(['users', 'remove', 'frank'], { env: cliEnv({ AUDIT_WEB_DATA_DIR: dataDir, AUDIT_WEB_NAMESPACE: ns.namespace }) });
      expect(up.code, up.stderr).to.equal(0);
      expect(up.stderr).not.to.include('stays in');
      const docs = await auditorDocs(ns.client, ns.index, (d) => d.filter((x) => x.audit_trail.resource.id === 'frank').length === 2, "frank's two events");
      expect(docs.filter((x) => x.audit_trail.resource.id === 'frank').map(kindOf)).to.deep.equal(['user.create', 'user.remove']);
    });

    it('a CLI run waits for another holding its spool, then refuses and changes nothing', async () => {
      const holder = createAuditorRecorder({ client: ns.client, namespace: ns.namespace, spoolDir: cliSpoolDir(dataDir), signingKey, log: () => undefined });
      try {
        const r = await runCli(['users', 'add', 'gina', '--role', 'auditor'], { env: cliEnv({ AUDIT_WEB_DATA_DIR: dataDir, AUDIT_WEB_NAMESPACE: ns.namespace, AUDIT_TRAIL_CLI_LOCK_WAIT_MS: '600' }) });
        expect(r.code).to.equal(1);
        expect(r.stderr).to.include('is held by another run of audit-trail users or tokens');
        expect(r.stderr).to.include('nothing was changed');
      } finally {
        await holder.close();
      }
      const users = new UserStore(openWebDatabase(dataDir));
      expect(users.get('gina')).to.equal(undefined);
      users.close();
    });
  });
});
