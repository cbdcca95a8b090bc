// `audit-trail users add|reset|list|remove|role`: the web view's local users, in the data directory `serve` uses.
import { defaultDataDir, openWebDatabase } from '../web/auth/data.js';
import { UserStore, generatePassword } from '../web/auth/users.js';
import { webSettingsFromEnvironment } from '../web/settings.js';
import { ROLES, type Role } from '../model/vocabulary.js';
import { COMMON_HELP, EXIT, UsageError, parse, readStdin, type CliContext, type Command } from './command.js';
import { effectiveEnvironment } from './config.js';

const HELP = `usage: audit-trail users <add|reset|list|remove|role> …

  add NAME --role ROLE [--password-stdin]     add a user; prints a random password once
  reset NAME [--role ROLE] [--password-stdin] new password (and role); ends the user's sessions
  list                                        users and their roles, tab-separated
  remove NAME                                 remove a user and end their sessions
  role NAME ROLE                              give a user another role (applies at their next request)

Roles: ${ROLES.join(', ')} (site_manager and auditor may open Manage > Audit).
--password-stdin reads the password from stdin instead of generating one (at least 12 characters).
Users live in AUDIT_WEB_DATA_DIR (web.db), the directory 'audit-trail serve' uses.
${COMMON_HELP}

Exit codes: 0 done, 1 refused (user exists, no such user, password too short), 2 usage or configuration error`;

function role(value: string | undefined, what: string): Role | undefined {
  if (value === undefined) return undefined;
  if (!(ROLES as readonly string[]).includes(value)) throw new UsageError(`${what} '${value}' is not a role: use one of ${ROLES.join(', ')}`);
  return value as Role;
}

export const usersCommand: Command = {
  name: 'users',
  summary: "manage the web view's users (add, reset, list, remove, role)",
  help: HELP,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(args, { role: { type: 'string' }, 'password-stdin': { type: 'boolean' } });
    if (values.help) {
      ctx.out(HELP);
      return EXIT.ok;
    }
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
    const users = new UserStore(openWebDatabase(dir));
    try {
      switch (action) {
        case 'list':
          for (const u of users.list()) ctx.out(`${u.username}\t${u.role}`);
          return EXIT.ok;
        case 'remove':
          users.remove(name!);
          ctx.out(`removed ${name}`);
          return EXIT.ok;
        case 'role': {
          const user = users.setRole(name!, role(rest[0], 'ROLE')!);
          ctx.out(`${user.username} is now ${user.role}`);
          return EXIT.ok;
        }
        default: {
          const fromStdin = values['password-stdin'] === true;
          const password = fromStdin ? await readStdin(ctx) : generatePassword();
          const user = action === 'add' ? await users.add(name!, newRole!, password) : await users.reset(name!, password, newRole);
          ctx.out(`${action === 'add' ? 'added' : 'reset'} ${user.username} (${user.role})`);
          if (!fromStdin) ctx.out(`password: ${password}\n(shown once: it is stored only as an argon2id hash)`);
          return EXIT.ok;
        }
      }
    } finally {
      users.close();
    }
  },
};
