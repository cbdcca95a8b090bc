// Runs `audit-trail` as a child process (through tsx against src/), with a clean environment whose cluster URL carries a secret that must never be printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from '../helpers/chai.js';
import { testOpenSearchUrl } from '../helpers/opensearch.js';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** The password put into OPENSEARCH_URL of every run (the test node ignores it); no output may contain it. */
export const URL_SECRET = 'S3cret-in-the-url-9f2c';

/** The test node's URL with credentials in it. */
export function urlWithSecret(url: string = testOpenSearchUrl()): string {
  return url.replace('://', `://auditor:${URL_SECRET}@`);
}

/** The environment of a run: the process's, minus every setting of ours, plus `env`. */
export function cliEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AUDIT_WEB_|AUDIT_TRAIL_CONFIG|OPENSEARCH_)/.test(k)));
  return { ...base, OPENSEARCH_URL: urlWithSecret(), ...env };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the command line; `bin` runs another entry (the installed package's). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = cliEnv(), bin?: string): ChildProcess {
  const argv = bin ? [bin, ...args] : ['--import', 'tsx', 'src/cli/main.ts', ...args];
  return spawn(process.execPath, argv, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Collects a child's output and exit; checks that no output carries the URL secret. */
export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      try {
        expect(stdout + stderr, 'output carries the password from OPENSEARCH_URL').not.to.include(URL_SECRET);
        resolve({ code, signal, stdout, stderr });
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Runs `audit-trail …args` to the end, with `input` on stdin. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; bin?: string } = {}): Promise<CliResult> {
  const child = spawnCli(args, options.env ?? cliEnv(), options.bin);
  const done = finished(child);
  child.stdin!.end(options.input ?? '');
  return done;
}
