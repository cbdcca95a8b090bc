// Demo users for `npm start`: one per role, random passwords, created once, never in production mode.
import type { Role } from '../model/vocabulary.js';
import { UserStore, generatePassword } from './auth/users.js';

/** Names match the demo data's people (alice manages the site, carol audits, bob is a member). */
export const DEMO_ACCOUNTS: readonly { username: string; role: Role }[] = [
  { username: 'alice', role: 'site_manager' },
  { username: 'carol', role: 'auditor' },
  { username: 'bob', role: 'member' },
];

/** Creates the missing demo users and returns them with their new passwords; none when NODE_ENV=production. */
export async function ensureDemoUsers(users: UserStore): Promise<{ username: string; role: Role; password: string }[]> {
  if (process.env.NODE_ENV === 'production') return [];
  const created: { username: string; role: Role; password: string }[] = [];
  for (const account of DEMO_ACCOUNTS) {
    if (users.get(account.username)) continue;
    const password = generatePassword();
    await users.add(account.username, account.role, password);
    created.push({ ...account, password });
  }
  return created;
}
