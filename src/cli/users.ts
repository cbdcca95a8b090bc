// `npm run users -- add NAME --role ROLE | reset NAME [--role ROLE] | list`: manage the web view's local users.
import { parseArgs } from 'node:util';
import { openWebDatabase } from '../web/auth/data.js';
import { UserError, UserStore, generatePassword } from '../web/auth/users.js';
import { ROLES, type Role } from '../model/vocabulary.js';

const USAGE = `usage: npm run users -- <command>
  add NAME --role ROLE [--password-stdin]   add a user (roles: ${ROLES.join(', ')}); prints a new random password once
  reset NAME [--role ROLE] [--password-stdin]  give a user a new password (and role)
  list                                     list users and roles
Data lives in AUDIT_WEB_DATA_DIR (default .cache/web).`;

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { role: { type: 'string' }, 'password-stdin': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  const [command, name, ...extra] = positionals;
  if (values.help || !command || extra.length) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const users = new UserStore(openWebDatabase());
  try {
    if (command === 'list') {
      for (const u of users.list()) console.log(`${u.username}\t${u.role}`);
      return 0;
    }
    if (!name || (command !== 'add' && command !== 'reset')) {
      console.error(USAGE);
      return 2;
    }
    if (command === 'add' && !values.role) throw new UserError(`'add' needs --role (one of ${ROLES.join(', ')})`);
    const password = values['password-stdin'] ? await readStdin() : generatePassword();
    const user = command === 'add' ? await users.add(name, values.role as Role, password) : await users.reset(name, password, values.role as Role | undefined);
    console.log(`${command === 'add' ? 'added' : 'reset'} ${user.username} (${user.role})`);
    if (!values['password-stdin']) console.log(`password: ${password}\n(shown once: it is stored only as an argon2id hash)`);
    return 0;
  } finally {
    users.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UserError ? error.message : `users failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
