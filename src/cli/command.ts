// What every command shares: the Command shape, exit codes, usage errors, argument parsing with --help and --config, and scrubbed output.
import { ConfigurationError } from '../model/errors.js';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes of every command. */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The command ran and failed (cluster unreachable or refusing, user exists, …). */
  failed: 1,
  /** Wrong arguments or configuration: nothing was done. */
  usage: 2,
  /** `opensearch status`: the node or cluster is not running. */
  notRunning: 3,
} as const;

/** Where a command reads and writes; the real process's by default, replaceable in tests. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  /** A line on stdout (results). */
  out(line: string): void;
  /** A line on stderr (progress, warnings, errors). */
  err(line: string): void;
  stdin: AsyncIterable<string | Buffer>;
  /** Values never to print (passwords found in the configuration); replaced by `***` in every line. */
  secrets: Set<string>;
  /** The cluster in use, as it may be shown (set once a command connects), for error messages. */
  cluster?: string;
}

export interface Command {
  name: string;
  /** One line for the overview. */
  summary: string;
  /** The whole `--help` text (the dispatcher prints it for `--help` or `-h`, and `run` is not called). */
  help: string;
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** Wrong arguments: exit 2, the message says what to type instead. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The `--namespace` of a command: lower-case letters, digits and _ (as data stream names take them), else a usage error. */
export function namespaceArgument(value: string): string {
  if (!/^[a-z0-9_]{1,100}$/.test(value)) throw new UsageError(`--namespace ${value}: use lower-case letters, digits and _ only`);
  return value;
}

/**
 * Runs an option check and turns its ConfigurationError into a usage error (exit 2): worded by `say`, or by
 * default the error's own words with the option named as its flag (`rolloverAge` → `--rollover-age`).
 */
export function asUsage<T>(check: () => T, say?: (error: ConfigurationError) => string): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    const flag = error.option.startsWith('--') ? error.option : `--${error.option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UsageError(say ? say(error) : error.message.replace(`option "${error.option}"`, flag));
  }
}

/** The command ran and refused or failed for a reason it explains: exit 1, the message as is. */

export class CommandError extends Error {
  override readonly name = 'CommandError';
}

/** Options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  config: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The help lines of the common options and exit codes, appended to each command's help. */
export const COMMON_HELP = `Common options:
  --config FILE   JSON settings file (keys are the environment variable names; the environment wins)
  -h, --help      this text`;

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with the common options added and its errors turned into UsageErrors. */
export function parse<O extends Options>(args: string[], options: O): ReturnType<typeof parseArgs<{ args: string[]; options: typeof COMMON_OPTIONS & O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The process's context: stdout/stderr with secrets scrubbed. */
export function processContext(): CliContext {
  const secrets = new Set<string>();
  const scrub = (line: string): string => [...secrets].filter((s) => s.length >= 3).reduce((text, secret) => text.split(secret).join('***'), line);
  return {
    env: process.env,
    out: (line) => process.stdout.write(`${scrub(line)}\n`),
    err: (line) => process.stderr.write(`${scrub(line)}\n`),
    stdin: process.stdin,
    secrets,
  };
}

/** Reads stdin whole, without its final newline (for --password-stdin). */
export async function readStdin(ctx: CliContext): Promise<string> {
  let text = '';
  for await (const chunk of ctx.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}
