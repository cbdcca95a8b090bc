// One launcher-managed OpenSearch process: its folders and state file, how it is spawned, waited for and stopped.
import { spawn } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { chown, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LauncherError, checkReachable, chownR, ensureDistribution, errText, fileTail, findJava, getJson, isNodeProcess, javaCommand,
  signalGroup, sleep, systemUser, waitForExit,
} from './node-process.js';

/** Progress callback; default writes `[opensearch] <msg>` to stderr. */
export type LogFn = (msg: string) => void;

export const defaultLog: LogFn = (msg) => console.error(`[opensearch] ${msg}`);

/** What the state file of a running instance holds. */
export interface NodeState { pid: number; port: number; url: string; startedAt: string }

/** Node settings given as `-E` options on the command line. */
export type NodeSettings = Record<string, string | number | boolean>;

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dir !== dirname(dir)) dir = dirname(dir);
  return dir;
}

/** Where root keeps the nodes of every checkout: a folder the node's unprivileged user can reach, wherever the checkout is. */
const ROOT_CACHE_BASE = '/var/lib/audit-trail-opensearch';

/**
 * Cache folder: env `AUDIT_TRAIL_CACHE_DIR`; else, as root, a folder of this checkout's own under
 * `/var/lib/audit-trail-opensearch` (a checkout in a closed folder such as /root would be out of the node user's reach);
 * else `<project root>/.cache/opensearch`.
 */
export function cacheDir(): string {
  if (process.env.AUDIT_TRAIL_CACHE_DIR) return resolve(process.env.AUDIT_TRAIL_CACHE_DIR);
  const root = projectRoot();
  if (process.getuid?.() === 0) return join(ROOT_CACHE_BASE, createHash('sha256').update(root).digest('hex').slice(0, 12));
  return join(root, '.cache', 'opensearch');
}

/** Checks an instance or cluster name (it becomes part of folder names). */
export function checkName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) throw new LauncherError(`invalid node name '${name}': use letters, digits, '-' and '_'`);
  return name;
}

/**
 * An instance's paths. `dir`, its config, state file and console log belong to whoever runs the launcher; `run/` (data,
 * logs, tmp) belongs to the node's user: when the launcher is root, nothing root writes or runs is in the user's hands.
 */
export function instance(name: string) {
  const dir = join(cacheDir(), 'instances', checkName(name));
  const run = join(dir, 'run');
  const data = join(run, 'data');
  // The data path appears on the node's command line, so it identifies our process in /proc/<pid>/cmdline.
  return { name, dir, run, data, logs: join(run, 'logs'), config: join(dir, 'config'), tmp: join(run, 'tmp'),
    state: join(dir, 'node.json'), consoleLog: join(dir, 'console.log'), marker: `-Epath.data=${data}` };
}

export type Instance = ReturnType<typeof instance>;

/** Writes a file by rename, so a link planted at its path is replaced, never followed. */
export async function replaceFile(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, { flag: 'wx', mode: 0o644 });
  await rename(tmp, path);
}

export async function readState(file: string): Promise<NodeState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as NodeState;
  } catch {
    return undefined;
  }
}

/** The pid of the instance's process when it is alive (and proven ours by its command line). */
export async function runningPid(inst: Instance): Promise<number | undefined> {
  const state = await readState(inst.state);
  return state && isNodeProcess(state.pid, inst.marker) ? state.pid : undefined;
}

/** Cluster name of whatever OpenSearch answers at `url`; `null` for a non-OpenSearch answer, undefined for no answer. */
export async function clusterNameAt(url: string): Promise<string | null | undefined> {
  try {
    const body = await getJson(`${url}/`);
    return typeof body.cluster_name === 'string' ? body.cluster_name : null;
  } catch {
    return undefined;
  }
}

/**
 * Polls cluster health at `url` until it is yellow or green with at least `nodes` nodes; fails early when `alive()` names
 * a dead process, or at the deadline, quoting `logFile`.
 */
export async function waitReady(url: string, alive: () => string | undefined, timeoutMs: number, logFile: string, hint: string, nodes = 1): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const dead = alive();
    if (dead) throw new LauncherError(`OpenSearch ${dead}. Last lines of ${logFile}:\n${await fileTail(logFile)}`);
    try {
      const h = await getJson(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, 3000);
      const joined = Number(h.number_of_nodes);
      if ((h.status === 'yellow' || h.status === 'green') && joined >= nodes) return;
      last = `cluster health ${String(h.status)} with ${joined} of ${nodes} node(s)`;
    } catch (e) {
      last = errText(e);
    }
    if (Date.now() > deadline) {
      throw new LauncherError(`OpenSearch at ${url} was not ready after ${timeoutMs / 1000} s (${last}); ${hint}. Last lines of ${logFile}:\n${await fileTail(logFile)}`);
    }
    await sleep(250);
  }
}

/** A spawned node: its pid, and why it is gone (undefined while it runs). */
export interface SpawnedNode { pid: number; exited: () => string | undefined }

/**
 * Prepares the instance's folders (handing run/ to the node's user when root), writes its config and spawns the node
 * detached with `settings`; records the state file. Does not wait for it to answer.
 */
export async function spawnInstance(inst: Instance, settings: NodeSettings, heap: string, port: number, log: LogFn): Promise<SpawnedNode> {
  const javaHome = findJava();
  const user = await systemUser();
  const home = await ensureDistribution(cacheDir(), javaHome, log);
  await mkdir(inst.run, { recursive: true });
  if (user) {
    // Folders written by the launcher stay its own; only run/ is handed to the node's user.
    await chown(inst.dir, 0, 0);
    if (existsSync(inst.config) && statSync(inst.config).uid !== 0) await rm(inst.config, { recursive: true }); // an older layout gave it away
    await Promise.all([inst.data, inst.logs, inst.tmp].map((d) => mkdir(d, { recursive: true })));
    await chownR(inst.run, user);
    checkReachable(inst.data, user);
  } else {
    await Promise.all([inst.data, inst.logs, inst.tmp].map((d) => mkdir(d, { recursive: true })));
  }
  const java = await javaCommand(home, javaHome, inst, heap, user);
  // Opened here, in a folder the node's user cannot write, without following a link; the node inherits the descriptor.
  await rm(inst.consoleLog, { force: true });
  const out = openSync(inst.consoleLog, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  const all = { ...settings, 'path.data': inst.data, 'path.logs': inst.logs };
  const child = spawn(join(javaHome, 'bin', 'java'), [...java, ...Object.entries(all).map(([k, v]) => `-E${k}=${v}`)], {
    detached: true, stdio: ['ignore', out, out], cwd: home, uid: user?.uid, gid: user?.gid,
    env: { ...process.env, OPENSEARCH_HOME: home, OPENSEARCH_PATH_CONF: inst.config, ...(user ? { HOME: inst.run } : {}) },
  });
  closeSync(out);
  let exited: string | undefined;
  child.once('exit', (code, signal) => { exited = `exited early (${signal ?? `code ${code}`})`; });
  child.once('error', (e) => { exited = `could not be started: ${e.message}`; });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) {
    await sleep(50); // let the 'error' event arrive
    throw new LauncherError(`OpenSearch ${exited ?? 'could not be started'} (${join(javaHome, 'bin', 'java')})`);
  }
  const url = `http://127.0.0.1:${port}`;
  await replaceFile(inst.state, JSON.stringify({ pid, port, url, startedAt: new Date().toISOString() } satisfies NodeState, null, 2));
  return { pid, exited: () => exited };
}

/**
 * Stops the instance's process: SIGTERM to its process group, SIGKILL after 30 s; `SIGKILL` at once when `signal` says so
 * (a crash, for fault tests). Forgets its state. Returns whether a running process was stopped.
 */
export async function stopInstance(inst: Instance, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<boolean> {
  const state = await readState(inst.state);
  if (!state) return false;
  let stopped = false;
  if (isNodeProcess(state.pid, inst.marker)) {
    signalGroup(state.pid, signal);
    if (!(await waitForExit(state.pid, inst.marker, signal === 'SIGKILL' ? 5_000 : 30_000))) {
      signalGroup(state.pid, 'SIGKILL');
      await waitForExit(state.pid, inst.marker, 5_000);
    }
    stopped = true;
  }
  await rm(inst.state, { force: true });
  return stopped;
}
