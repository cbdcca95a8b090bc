// `audit-trail users add|reset|list|remove|role`: the web view's local users, in the data directory `serve` uses; each change is recorded as an audit event.
import { defaultDataDir, openWebDatabase } from '../web/auth/data.js';
import { UserError, UserStore, generatePassword } from '../web/auth/users.js';
import { webSettingsFromEnvironment } from '../web/settings.js';
import { ROLES, type Role } from '../model/vocabulary.js';
import { COMMON_HELP, EXIT, UsageError, parse, readStdin, type CliContext, type Command } from './command.js';
import { effectiveEnvironment } from './config.js';
import { CLI_AUDIT_HELP, openCliAudit, type CliAudit } from './cli-audit.js';

const HELP = `usage: audit-trail users <add|reset|list|remove|role> …

  add NAME --role ROLE [--password-stdin]     add a user; prints a random password once
  reset NAME [--role ROLE] [--password-stdin] new password (and role); ends the user's sessions
  list                                        users and their roles, tab-separated
  remove NAME                                 remove a user and end their sessions
  role NAME ROLE                              give a user another role (applies at their next request)

Roles: ${ROLES.join(', ')} (site_manager and auditor may open Manage > Audit).
--password-stdin reads the password from stdin instead of generating one (at least 12 characters).
Users live in AUDIT_WEB_DATA_DIR (web.db), the directory 'audit-trail serve' uses.
${CLI_AUDIT_HELP}
${COMMON_HELP}

Exit codes: 0 done, 1 refused (user exists, no such user, password too short), 2 usage or configuration error`;

function role(value: string | undefined, what: string): Role | undefined {
  if (value === undefined) return undefined;
  if (!(ROLES as readonly string[]).includes(value)) throw new UsageError(`${what} '${value}' is not a role: use one of ${ROLES.join(', ')}`);
  return value as Role;
}

const KIND = { add: 'user.create', reset: 'user.reset', role: 'user.role', remove: 'user.remove' } as const;

/** Makes one change and records it (a refused change too, with why). */
async function change(action: string, name: string, roleArg: string | undefined, newRole: Role | undefined, given: string | undefined, users: UserStore, audit: CliAudit, ctx: CliContext): Promise<number> {
  const kind = KIND[action as keyof typeof KIND];
  const previousRole = users.get(name)?.role;
  const before = previousRole ? { previousRole } : {};
  try {
    switch (action) {
      case 'remove':
        users.remove(name);
        audit.record(kind, { user: name, ...before });
        ctx.out(`removed ${name}`);
        return EXIT.ok;
      case 'role': {
        const user = users.setRole(name, role(roleArg, 'ROLE')!);
        audit.record(kind, { user: name, role: user.role, ...before });
        ctx.out(`${user.username} is now ${user.role}`);
        return EXIT.ok;
      }
      default: {
        const password = given ?? generatePassword();
        const user = action === 'add' ? await users.add(name, newRole!, password) : await users.reset(name, password, newRole);
        audit.record(kind, { user: name, role: user.role, ...before });
        ctx.out(`${action === 'add' ? 'added' : 'reset'} ${user.username} (${user.role})`);
        if (given === undefined) ctx.out(`password: ${password}\n(shown once: it is stored only as an argon2id hash)`);
        return EXIT.ok;
      }
    }
  } catch (error) {
    if (error instanceof UserError) audit.record(kind, { user: name, ...(newRole ? { role: newRole } : {}), ...before }, error.message);
    throw error;
  }
}

export const usersCommand: Command = {
  name: 'users',
  summary: "manage the web view's users (add, reset, list, remove, role)",
  help: HELP,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(args, { role: { type: 'string' }, 'password-stdin': { type: 'boolean' } });
    const [action, name, ...rest] = positionals;
    const arity: Record<string, number> = { add: 1, reset: 1, list: 0, remove: 1, role: 2 };
    if (!action) throw new UsageError('give an action: add, reset, list, remove or role');
    if (arity[action] === undefined) throw new UsageError(`unknown action '${action}': use add, reset, list, remove or role`);
    if (positionals.length - 1 !== arity[action]) throw new UsageError(`'users ${action}' takes ${arity[action] === 0 ? 'no name' : arity[action] === 1 ? 'one user name' : 'a user name and a role'}`);
    if (values.role !== undefined && action !== 'add' && action !== 'reset') throw new UsageError(`--role goes with add and reset (use 'users role NAME ROLE')`);
    if (values['password-stdin'] && action !== 'add' && action !== 'reset') throw new UsageError('--password-stdin goes with add and reset');
    const newRole = role(values.role, '--role');
    if (action === 'add' && !newRole) throw new UsageError(`'users add' needs --role (one of ${ROLES.join(', ')})`);
    const env = effectiveEnvironment(ctx, values.config);
    const dir = webSettingsFromEnvironment(env).dataDir ?? defaultDataDir();
    if (action === 'list') {
      const users = new UserStore(openWebDatabase(dir));
      try {
        for (const u of users.list()) ctx.out(`${u.username}\t${u.role}`);
      } finally {
        users.close();
      }
      return EXIT.ok;
    }
    if (action === 'role') role(rest[0], 'ROLE');
    const given = values['password-stdin'] === true ? await readStdin(ctx) : undefined;
    // Before anything changes: no change without its audit event.
    const audit = await openCliAudit(env, ctx, dir);
    const users = new UserStore(openWebDatabase(dir));
    try {
      return await change(action, name!, rest[0], newRole, given, users, audit, ctx);
    } finally {
      users.close();
      await audit.finish();
    }
  },
};
