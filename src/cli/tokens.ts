// `audit-trail tokens create|list|revoke`: API bearer tokens in the data directory `serve` uses; a new token is printed once and stored only as a hash; each change is recorded as an audit event.
import { defaultDataDir, openWebDatabase } from '../web/auth/data.js';
import { DEFAULT_TOKEN_EXPIRY, MAX_TOKEN_DAYS, TokenError, TokenStore, checkTokenRole, parseExpiry, tokenState } from '../web/api/token-store.js';
import { webSettingsFromEnvironment } from '../web/settings.js';
import { ROLES, type Role } from '../model/vocabulary.js';
import { COMMON_HELP, CommandError, EXIT, UsageError, parse, type CliContext, type Command } from './command.js';
import { effectiveEnvironment } from './config.js';
import { CLI_AUDIT_HELP, openCliAudit, type CliAudit } from './cli-audit.js';

const HELP = `usage: audit-trail tokens <create|list|revoke> …

  create NAME --role ROLE [--expires 90d]  create a token for the API; prints it once
  list                                     tokens: name, role, created, expires, last used, state
  revoke NAME                              refuse the token from now on (it stays listed)

Roles: ${ROLES.join(', ')} (a member's token is refused by the API, as a member is by the page).
--expires: days or hours from now, e.g. 30d or 12h (default ${DEFAULT_TOKEN_EXPIRY}, at most ${MAX_TOKEN_DAYS}d).
Use a token as 'Authorization: Bearer atr_…' on GET /api/v1/events. Only its SHA-256 hash is
stored: a lost token cannot be shown again; revoke it and create another.
Tokens live in AUDIT_WEB_DATA_DIR (web.db), the directory 'audit-trail serve' uses.
${CLI_AUDIT_HELP}
${COMMON_HELP}

Exit codes: 0 done, 1 refused (name taken, no such token), 2 usage or configuration error`;

const day = (d: Date | undefined): string => (d ? d.toISOString().replace(/\.\d+Z$/, 'Z') : '-');

/** Creates or revokes a token and records it (a refused change too, with why); the token itself is never recorded. */
function change(action: string, name: string, role: Role | undefined, expires: string | undefined, tokens: TokenStore, audit: CliAudit, now: Date, ctx: CliContext): number {
  const kind = action === 'revoke' ? 'token.revoke' : 'token.create';
  try {
    if (action === 'revoke') {
      const token = tokens.revoke(name, now);
      audit.record(kind, { token: token.name, role: token.role });
      ctx.out(`revoked ${token.name}`);
      return EXIT.ok;
    }
    const { token, secret } = tokens.create(name, role!, expires ?? DEFAULT_TOKEN_EXPIRY, now);
    audit.record(kind, { token: token.name, role: token.role, expiresAt: token.expiresAt.toISOString() });
    ctx.out(`created ${token.name} (${token.role}), expires ${day(token.expiresAt)}`);
    ctx.out(`token: ${secret}\n(shown once: only its hash is stored)`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof TokenError) {
      audit.record(kind, { token: name, ...(role ? { role } : {}) }, error.message);
      throw new CommandError(error.problem === 'unknown' ? `${error.message}: 'tokens list' shows them` : error.message);
    }
    throw error;
  }
}

export const tokensCommand: Command = {
  name: 'tokens',
  summary: 'manage the API bearer tokens (create, list, revoke)',
  help: HELP,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(args, { role: { type: 'string' }, expires: { type: 'string' } });
    const [action, name, ...rest] = positionals;
    const arity: Record<string, number> = { create: 1, list: 0, revoke: 1 };
    if (!action) throw new UsageError('give an action: create, list or revoke');
    if (arity[action] === undefined) throw new UsageError(`unknown action '${action}': use create, list or revoke`);
    if (positionals.length - 1 !== arity[action] || rest.length) throw new UsageError(`'tokens ${action}' takes ${arity[action] ? 'one token name' : 'no name'}`);
    if ((values.role !== undefined || values.expires !== undefined) && action !== 'create') throw new UsageError('--role and --expires go with create');
    if (action === 'create' && !values.role) throw new UsageError(`'tokens create' needs --role (one of ${ROLES.join(', ')})`);
    // The store's own rules, checked before anything is opened: a bad value is a usage error.
    for (const [option, value, check] of [['--role', values.role, checkTokenRole], ['--expires', values.expires, parseExpiry]] as const) {
      try {
        if (value !== undefined) check(value);
      } catch (error) {
        throw new UsageError(`${option}: ${(error as Error).message}`);
      }
    }
    const env = effectiveEnvironment(ctx, values.config);
    const dir = webSettingsFromEnvironment(env).dataDir ?? defaultDataDir();
    // Before anything changes: no change without its audit event.
    const audit = action === 'list' ? undefined : await openCliAudit(env, ctx, dir);
    const db = openWebDatabase(dir);
    const tokens = new TokenStore(db);
    const now = new Date();
    try {
      if (action === 'list') {
        ctx.out(['name', 'role', 'created', 'expires', 'last_used', 'state'].join('\t'));
        for (const t of tokens.list()) ctx.out([t.name, t.role, day(t.createdAt), day(t.expiresAt), day(t.lastUsedAt), tokenState(t, now)].join('\t'));
        return EXIT.ok;
      }
      return change(action, name!, values.role as Role, values.expires, tokens, audit!, now, ctx);
    } finally {
      db.close();
      await audit?.finish();
    }
  },
};
