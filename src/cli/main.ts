#!/usr/bin/env node
// The `audit-trail` command line: dispatches to one module per command and turns errors into exit codes and messages.
import { readFileSync } from 'node:fs';
import { EXIT, processContext, type CliContext, type Command } from './command.js';
import { describeFailure } from './failure.js';
import { setupCommand } from './setup.js';
import { serveCommand } from './serve.js';
import { usersCommand } from './users.js';
import { tokensCommand } from './tokens.js';
import { dashboardsCommand } from './dashboards.js';
import { demoCommand } from './demo.js';
import { opensearchCommand } from './opensearch.js';
import { verifyCommand } from './verify.js';
import { retentionCommand } from './retention.js';

const COMMANDS: readonly Command[] = [setupCommand, serveCommand, usersCommand, tokensCommand, dashboardsCommand, demoCommand, opensearchCommand, verifyCommand, retentionCommand];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const OVERVIEW = `usage: audit-trail <command> [options]    (audit-trail <command> --help for each)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(11)} ${c.summary}`).join('\n')}

Every command reads the cluster from OPENSEARCH_URL (and OPENSEARCH_USERNAME,
OPENSEARCH_PASSWORD or OPENSEARCH_PASSWORD_FILE, OPENSEARCH_CA_FILE, …) and takes
--config FILE (JSON, keys are those variable names; the environment wins over the file).

Exit codes: 0 ok, 1 failed, 2 usage or configuration error (verify: 1 a problem found,
2 could not verify; opensearch status: 3 not running)`;

/** Runs one command line; resolves with the exit code. Never throws. */
async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? ctx.out : ctx.err)(OVERVIEW);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    ctx.out(version());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    ctx.err(`unknown command '${name}'\n\n${OVERVIEW}`);
    return EXIT.usage;
  }
  // Every command's --help is answered here, before its arguments are read (so it needs nothing else right).
  const optionArgs = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (optionArgs.includes('--help') || optionArgs.includes('-h')) {
    ctx.out(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(args, ctx);
  } catch (error) {
    const failure = describeFailure(error, command.name, ctx.cluster);
    ctx.err(`audit-trail ${command.name}: ${failure.message}`);
    return failure.code;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`audit-trail: internal error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(EXIT.failed);
  },
);
