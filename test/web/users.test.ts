import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { expect } from '../helpers/chai.js';
import { testOpenSearchUrl } from '../helpers/opensearch.js';
import { useAuditNamespace } from '../helpers/namespace.js';
import { UserError, UserStore } from '../../src/web/auth/users.js';
import { openWebDatabase } from '../../src/web/auth/data.js';
import { sessionMiddleware } from '../../src/web/auth/session.js';

/** Creates the session store's table (as the web view does) and stores one signed-in session per name. */
function storeSessions(db: Database.Database, ...names: string[]): void {
  sessionMiddleware({ db, secret: 'x'.repeat(32) });
  const insert = db.prepare('INSERT INTO sessions (sid, sess, expire) VALUES (?, ?, ?)');
  names.forEach((name, i) => insert.run(`sid-${i}`, JSON.stringify({ cookie: {}, user: { username: name, role: 'auditor' }, signedInAt: Date.now() }), new Date(Date.now() + 3600_000).toISOString()));
}
const sessionsOf = (db: Database.Database): string[] =>
  (db.prepare("SELECT json_extract(sess, '$.user.username') AS name FROM sessions ORDER BY sid").all() as { name: string }[]).map((r) => r.name);

describe('users store and CLI', () => {
  describe('the store', () => {
    let db: Database.Database;
    let users: UserStore;
    beforeEach(() => {
      db = new Database(':memory:');
      users = new UserStore(db);
    });
    afterEach(() => db.close());

    it('stores an argon2id hash, never the password, and verifies it', async () => {
      await users.add('dana', 'auditor', 'a long enough password');
      const stored = db.prepare('SELECT password_hash FROM users').get() as { password_hash: string };
      expect(stored.password_hash).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/).and.not.include('a long enough password');
      expect(await users.verify('dana', 'a long enough password')).to.deep.equal({ username: 'dana', role: 'auditor' });
      expect(await users.verify('dana', 'a wrong password here')).to.equal(undefined);
      expect(await users.verify('nobody', 'a long enough password')).to.equal(undefined);
    });

    it('resets a password and a role, and ends that user’s sessions only', async () => {
      await users.add('dana', 'member', 'first password 123');
      storeSessions(db, 'dana', 'erin', 'dana');
      await users.reset('dana', 'second password 456', 'site_manager');
      expect(sessionsOf(db)).to.deep.equal(['erin']);
      expect(await users.verify('dana', 'first password 123')).to.equal(undefined);
      expect(await users.verify('dana', 'second password 456')).to.deep.equal({ username: 'dana', role: 'site_manager' });
    });

    it('refuses bad names, roles, short passwords, duplicates and unknown users with what to do', async () => {
      await expect(users.add('Bad Name', 'auditor', 'long enough password')).to.be.rejectedWith(UserError, /not valid: use 1-64 lower-case/);
      await expect(users.add('dana', 'root' as never, 'long enough password')).to.be.rejectedWith(UserError, /role 'root' is not valid: use one of site_manager, auditor, member/);
      await expect(users.add('dana', 'auditor', 'short')).to.be.rejectedWith(UserError, /at least 12 characters/);
      await users.add('dana', 'auditor', 'long enough password');
      await expect(users.add('dana', 'auditor', 'long enough password')).to.be.rejectedWith(UserError, /already exists: use 'reset'/);
      await expect(users.reset('erin', 'long enough password')).to.be.rejectedWith(UserError, /no user 'erin': use 'add' first/);
    });
  });

  describe('npm run users', () => {
    // Each change is also recorded as an audit event, in the cluster and namespace the web view reads.
    const audited = useAuditNamespace();
    it('adds a user with a random password printed once, then resets it', async function () {
      this.timeout(60_000);
      const dir = mkdtempSync(join(tmpdir(), 'audit-users-'));
      const run = (...args: string[]) => promisify(execFile)('npx', ['tsx', 'src/cli/main.ts', 'users', ...args], { env: { ...process.env, AUDIT_WEB_DATA_DIR: dir, OPENSEARCH_URL: testOpenSearchUrl(), AUDIT_WEB_NAMESPACE: audited.namespace } });
      try {
        const added = await run('add', 'dana', '--role', 'auditor');
        const password = /password: (\S+)/.exec(added.stdout)?.[1];
        expect(added.stdout).to.include('added dana (auditor)');
        const before = openWebDatabase(dir);
        storeSessions(before, 'dana');
        before.close();
        const reset = await run('reset', 'dana');
        const second = /password: (\S+)/.exec(reset.stdout)?.[1];
        expect(second).to.be.a('string').and.not.equal(password);
        const db = openWebDatabase(dir);
        expect(sessionsOf(db), 'sessions after the reset').to.deep.equal([]);
        const users = new UserStore(db);
        expect(await users.verify('dana', second!)).to.deep.equal({ username: 'dana', role: 'auditor' });
        expect(await users.verify('dana', password!)).to.equal(undefined);
        users.close();
        await expect(run('add', 'erin')).to.be.rejectedWith(/'users add' needs --role/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
