// Low-level helpers for the OpenSearch launcher: fetch/unpack with Maven, the java command line, the unprivileged user, processes, locks.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pidAlive } from '../../transport/process-alive.js';

/** Thrown for every launcher failure; the message says what to do about it. */
export class LauncherError extends Error {
  override name = 'LauncherError';
}

export const OPENSEARCH_VERSION = '2.19.6';
const GROUP_PATH = 'org/opensearch/distribution/integ-test-zip/opensearch';
const ARTIFACT = `org.opensearch.distribution.integ-test-zip:opensearch:${OPENSEARCH_VERSION}:zip`;
/** System user the node runs as when the launcher runs as root (OpenSearch refuses to run as root). */
export const SYSTEM_USER = 'audittrail-os';

export interface RunAs { uid: number; gid: number }

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Last `n` lines of a text, for quoting logs and tool output in error messages. */
export function tail(text: string, n = 20): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

export async function fileTail(file: string, n = 20): Promise<string> {
  try {
    return tail(await readFile(file, 'utf8'), n) || '(empty)';
  } catch {
    return `(no log at ${file})`;
  }
}

/** Runs a command (as `user` when given), collecting stdout and stdout+stderr; rejects only when it cannot be started (e.g. ENOENT). */
export function run(cmd: string, args: string[], cwd?: string, env?: NodeJS.ProcessEnv, user?: RunAs): Promise<{ code: number; output: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...(user && { uid: user.uid, gid: user.gid }) });
    let output = '';
    let stdout = '';
    const add = (b: Buffer): void => { output = (output + b.toString()).slice(-65536); };
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); add(b); });
    child.stderr.on('data', add);
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, output, stdout }));
  });
}

const isEnoent = (e: unknown): boolean => (e as NodeJS.ErrnoException)?.code === 'ENOENT';

/** Java home to run OpenSearch with (env OPENSEARCH_JAVA_HOME, default the Debian/Ubuntu OpenJDK 17). */
export function findJava(): string {
  const home = process.env.OPENSEARCH_JAVA_HOME || '/usr/lib/jvm/java-17-openjdk-amd64';
  if (!existsSync(join(home, 'bin', 'java'))) {
    throw new LauncherError(`Java 17 not found at ${home}: install openjdk-17-jre-headless (apt-get install -y openjdk-17-jre-headless) or set OPENSEARCH_JAVA_HOME`);
  }
  return home;
}

async function mvn(args: string[]): ReturnType<typeof run> {
  try {
    return await run('mvn', ['-B', ...args]);
  } catch (e) {
    if (isEnoent(e)) throw new LauncherError('Maven (mvn) not found: install it (apt-get install -y maven) or set OPENSEARCH_URL to an existing cluster');
    throw e;
  }
}

/** Path of the distribution zip in the local Maven repository, downloading it with Maven when missing. */
async function locateZip(log: (msg: string) => void): Promise<string> {
  const rel = join(GROUP_PATH, OPENSEARCH_VERSION, `opensearch-${OPENSEARCH_VERSION}.zip`);
  const byDefault = join(homedir(), '.m2', 'repository', rel);
  if (existsSync(byDefault)) return byDefault;
  log(`downloading OpenSearch ${OPENSEARCH_VERSION} with Maven (56 MB, once)…`);
  const got = await mvn(['-q', 'dependency:get', `-Dartifact=${ARTIFACT}`, '-Dtransitive=false']);
  if (got.code !== 0) throw new LauncherError(`Maven could not download ${ARTIFACT} (exit ${got.code}); check network/proxy settings or set OPENSEARCH_URL. Maven said:\n${tail(got.output)}`);
  if (existsSync(byDefault)) return byDefault;
  // A settings.xml or MAVEN_OPTS may move the local repository: ask Maven where it is.
  const where = await mvn(['-q', 'help:evaluate', '-Dexpression=settings.localRepository', '-DforceStdout']);
  const zip = join(where.stdout.replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n').pop() ?? '', rel);
  if (where.code === 0 && existsSync(zip)) return zip;
  throw new LauncherError(`Maven reported success but ${byDefault} is missing and the local repository could not be located:\n${tail(where.output)}`);
}

async function extract(zip: string, into: string, javaHome: string): Promise<void> {
  let res: { code: number; output: string };
  try {
    res = await run('unzip', ['-q', zip, '-d', into]);
  } catch (e) {
    if (!isEnoent(e)) throw e;
    const jdkJar = join(javaHome, 'bin', 'jar');
    try {
      res = await run(existsSync(jdkJar) ? jdkJar : 'jar', ['xf', zip], into);
    } catch (e2) {
      if (isEnoent(e2)) throw new LauncherError('cannot unpack OpenSearch: neither unzip nor jar was found; install unzip (apt-get install -y unzip)');
      throw e2;
    }
  }
  if (res.code !== 0) throw new LauncherError(`unpacking ${zip} failed:\n${tail(res.output)}`);
}

/**
 * Returns the unpacked OpenSearch home under `cacheDir`, fetching and unpacking it when missing. It is unpacked into a
 * temporary folder and renamed into place, so a folder with the final name is always complete. It stays owned by whoever
 * unpacked it (root, when the launcher runs as root) and readable by all: the node's user can run it but never change it.
 */
export async function ensureDistribution(cacheDir: string, javaHome: string, log: (msg: string) => void): Promise<string> {
  const home = join(cacheDir, `opensearch-${OPENSEARCH_VERSION}`);
  if (existsSync(home)) return home;
  const zip = await locateZip(log);
  log(`unpacking ${zip} into ${home}…`);
  const tmp = join(cacheDir, `.unpack-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
  try {
    await extract(zip, tmp, javaHome);
    const unpacked = join(tmp, `opensearch-${OPENSEARCH_VERSION}`);
    const bin = join(unpacked, 'bin');
    for (const f of await readdir(bin)) if (!f.includes('.')) await chmod(join(bin, f), 0o755); // `jar xf` drops modes
    const readable = await run('chmod', ['-R', 'a+rX,go-w', unpacked]);
    if (readable.code !== 0) throw new LauncherError(`chmod -R a+rX ${unpacked} failed: ${readable.output.trim()}`);
    try {
      await rename(unpacked, home);
    } catch (e) {
      if (!existsSync(home)) throw e; // another process finished first: use its copy
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return home;
}

/** An instance's folders: `config` is written by the launcher; `data`, `logs` and `tmp` belong to the node's user. */
export interface InstanceDirs { config: string; data: string; logs: string; tmp: string }

/**
 * Writes the instance's config folder (a copy of the distribution's, with GC logs and heap dumps moved into the instance)
 * and returns the java command line that `bin/opensearch` would build. Starting java directly skips the script's three
 * helper JVMs (version check, keystore check, options parser: about 3 s); only the options parser is run here.
 */
export async function javaCommand(home: string, javaHome: string, dirs: InstanceDirs, heap: string, user: RunAs | undefined): Promise<string[]> {
  if (!existsSync(dirs.config)) {
    await cp(join(home, 'config'), dirs.config, { recursive: true });
    await chmod(dirs.config, 0o755);
  }
  const options = (await readFile(join(home, 'config', 'jvm.options'), 'utf8'))
    .replaceAll('logs/', `${dirs.logs}/`).replace('HeapDumpPath=data', `HeapDumpPath=${dirs.data}`)
    .replace(/^-Xm[sx]\S*$/gm, ''); // the heap comes from OPENSEARCH_JAVA_OPTS
  await writeFile(join(dirs.config, 'jvm.options'), options);
  const classpath = join(home, 'lib', '*');
  const env = { ...process.env, OPENSEARCH_TMPDIR: dirs.tmp, OPENSEARCH_JAVA_OPTS: `-Xms${heap} -Xmx${heap}` };
  if (user && !existsSync(join(dirs.config, 'opensearch.keystore'))) await createKeystore(home, javaHome, dirs.config);
  // Run as the node's user, like the node itself: nothing of the node's runs as root.
  const parsed = await run(join(javaHome, 'bin', 'java'), ['-Xshare:auto', '-cp', classpath, 'org.opensearch.tools.launchers.JvmOptionsParser', dirs.config], home, env, user);
  if (parsed.code !== 0) throw new LauncherError(`OpenSearch's JVM options parser failed (check the heap size ${heap} and Java at ${javaHome}):\n${tail(parsed.output)}`);
  return ['-Xshare:auto', ...parsed.stdout.trim().split(/\s+/), `-Dopensearch.path.home=${home}`, `-Dopensearch.path.conf=${dirs.config}`,
    '-Dopensearch.distribution.type=zip', '-Dopensearch.bundled_jdk=false', '-cp', classpath, 'org.opensearch.bootstrap.OpenSearch'];
}

/**
 * Creates the (empty) keystore in the launcher's config folder, which the node's user may read but not write: the node
 * would otherwise try to create it there at start. Runs the root-owned distribution's own tool.
 */
async function createKeystore(home: string, javaHome: string, config: string): Promise<void> {
  const classpath = `${join(home, 'lib', '*')}:${join(home, 'lib', 'tools', 'keystore-cli', '*')}`;
  const made = await run(join(javaHome, 'bin', 'java'), ['-Xshare:auto', `-Dopensearch.path.home=${home}`, `-Dopensearch.path.conf=${config}`,
    '-Dopensearch.distribution.type=zip', '-cp', classpath, 'org.opensearch.common.settings.KeyStoreCli', 'create'], home, { ...process.env, OPENSEARCH_PATH_CONF: config });
  if (made.code !== 0) throw new LauncherError(`creating the OpenSearch keystore in ${config} failed:\n${tail(made.output)}`);
  await chmod(join(config, 'opensearch.keystore'), 0o644);
}

/** GET a JSON object. The timer is a normal (ref'd) one: a fetch that hangs on a reset connection would otherwise let the process exit. */
export async function getJson(url: string, timeoutMs = 2000, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  try {
    const res = await fetch(url, { signal: abort.signal, headers });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    return (await res.json()) as Record<string, unknown>;
  } finally {
    clearTimeout(timer);
  }
}

/** An error's message plus its cause's (fetch() hides ECONNREFUSED & co. in `cause`). */
export function errText(e: unknown): string {
  const err = e as Error & { cause?: { message?: string } };
  return [err.message ?? String(e), err.cause?.message].filter(Boolean).join(': ');
}

/** When running as root: the (created on demand) system user to run the node as; otherwise undefined. */
export async function systemUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async (): Promise<RunAs | undefined> => {
    const [u, g] = await Promise.all([run('id', ['-u', SYSTEM_USER]), run('id', ['-g', SYSTEM_USER])]);
    return u.code === 0 && g.code === 0 ? { uid: Number(u.output.trim()), gid: Number(g.output.trim()) } : undefined;
  };
  const found = await lookup();
  if (found) return found;
  const hint = `OpenSearch refuses to run as root: run as a normal user, or create the system user ${SYSTEM_USER} yourself`;
  let made: { code: number; output: string };
  try {
    made = await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', SYSTEM_USER]);
  } catch (e) {
    if (isEnoent(e)) throw new LauncherError(`useradd not found; ${hint}`);
    throw e;
  }
  const user = await lookup(); // re-check: a concurrent launcher may have created it (useradd exit 9)
  if (!user) throw new LauncherError(`could not create user ${SYSTEM_USER} (useradd exit ${made.code}: ${made.output.trim()}); ${hint}`);
  return user;
}

export async function chownR(path: string, user: RunAs): Promise<void> {
  const res = await run('chown', ['-R', `${user.uid}:${user.gid}`, path]);
  if (res.code !== 0) throw new LauncherError(`chown -R ${user.uid}:${user.gid} ${path} failed: ${res.output.trim()}`);
}

/** Fails clearly when the unprivileged user cannot reach `path` because a parent folder is closed to others. */
export function checkReachable(path: string, user: RunAs): void {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const s = statSync(dir);
    if (s.uid !== user.uid && s.gid !== user.gid && (s.mode & 0o001) === 0) {
      throw new LauncherError(`user ${SYSTEM_USER} (which runs OpenSearch because we are root) cannot enter ${dir}: chmod o+x ${dir}, or set AUDIT_TRAIL_CACHE_DIR to a folder it can reach (e.g. /var/tmp/audit-trail)`);
    }
    if (dir === dirname(dir)) return;
  }
}

/** Whether `pid` is alive and (where /proc exists) its command line contains `marker`; zombies count as dead. */
export function isNodeProcess(pid: number, marker: string): boolean {
  if (!pidAlive(pid)) return false;
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(marker);
  } catch {
    return false;
  }
}

/** Sends `signal` to the process group led by `pid` (the node is spawned detached), falling back to the process. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch {
      /* try the next form */
    }
  }
}

export async function waitForExit(pid: number, marker: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isNodeProcess(pid, marker)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** Runs `fn` holding an exclusive lock file (pid inside; a lock left by a dead process is taken over). */
export async function withLock<T>(file: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(await readFile(file, 'utf8').catch(() => '0'));
      const fresh = Date.now() - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 5000;
      if (holder ? !pidAlive(holder) : !fresh) {
        await rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new LauncherError(`another launcher (pid ${holder}) holds ${file}; wait for it, or delete the file if that process is gone`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}

