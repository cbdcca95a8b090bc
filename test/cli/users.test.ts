// `audit-trail users`: add, list, role, reset, remove in a data directory of its own, and the errors of each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../helpers/chai.js';
import { openWebDatabase } from '../../src/web/auth/data.js';
import { UserStore } from '../../src/web/auth/users.js';
import { cliEnv, runCli } from './run-cli.js';
import { useAuditNamespace } from '../helpers/namespace.js';

describe('audit-trail users', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'audit-cli-users-'));
  // Each change is also recorded as an audit event (test/cli/auditors.test.ts checks them): into a namespace of its own.
  const audited = useAuditNamespace();
  const env = () => cliEnv({ AUDIT_WEB_DATA_DIR: dir, AUDIT_WEB_NAMESPACE: audited.namespace });
  const users = (...args: string[]) => runCli(['users', ...args], { env: env() });
  const store = <T>(use: (s: UserStore) => T): T => {
    const s = new UserStore(openWebDatabase(dir));
    try {
      return use(s);
    } finally {
      s.close();
    }
  };
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('add prints a random password once; it signs in', async () => {
    const r = await users('add', 'dana', '--role', 'auditor');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('added dana (auditor)');
    const password = /password: (\S+)/.exec(r.stdout)?.[1];
    expect(password).to.have.length.greaterThan(11);
    expect(await store((s) => s.verify('dana', password!))).to.deep.equal({ username: 'dana', role: 'auditor' });
  });

  it('add --password-stdin takes the password from stdin and prints none', async () => {
    const r = await runCli(['users', 'add', 'erin', '--role', 'site_manager', '--password-stdin'], { env: env(), input: 'correct horse battery\n' });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).not.to.include('password');
    expect(await store((s) => s.verify('erin', 'correct horse battery'))).to.deep.equal({ username: 'erin', role: 'site_manager' });
  });

  it('list shows names and roles, tab-separated', async () => {
    const r = await users('list');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal('dana\tauditor\nerin\tsite_manager\n');
  });

  it('role changes the role', async () => {
    const r = await users('role', 'dana', 'member');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('dana is now member');
    expect(store((s) => s.get('dana'))).to.deep.equal({ username: 'dana', role: 'member' });
  });

  it('reset gives a new password; the old one stops working', async () => {
    const before = await runCli(['users', 'reset', 'erin', '--password-stdin'], { env: env(), input: 'another long password' });
    expect(before.code, before.stderr).to.equal(0);
    expect(await store((s) => s.verify('erin', 'correct horse battery'))).to.equal(undefined);
    expect(await store((s) => s.verify('erin', 'another long password'))).to.deep.equal({ username: 'erin', role: 'site_manager' });
  });

  it('remove deletes the user', async () => {
    const r = await users('remove', 'dana');
    expect(r.code, r.stderr).to.equal(0);
    expect((await users('list')).stdout).to.equal('erin\tsite_manager\n');
  });

  it('refusals exit 1 (exists, no such user, short password); usage errors exit 2 (no role, bad role, bad arity)', async () => {
    const exists = await users('add', 'erin', '--role', 'auditor');
    expect(exists.code).to.equal(1);
    expect(exists.stderr).to.include("user 'erin' already exists");
    expect((await users('remove', 'nobody')).stderr).to.include("no user 'nobody'");
    const short = await runCli(['users', 'add', 'fred', '--role', 'auditor', '--password-stdin'], { env: env(), input: 'short' });
    expect(short.code).to.equal(1);
    expect(short.stderr).to.include('at least 12 characters');
    const noRole = await users('add', 'fred');
    expect(noRole.code).to.equal(2);
    expect(noRole.stderr).to.include("'users add' needs --role");
    expect((await users('role', 'erin', 'admin')).stderr).to.include("ROLE 'admin' is not a role: use one of");
    expect((await users('list', 'extra')).code).to.equal(2);
    expect((await users('rename', 'erin')).code).to.equal(2);
  });
});
