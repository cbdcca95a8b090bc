// The project's own OpenSearch launcher: fetches, unpacks and runs (or reuses) local single-node clusters.
import { spawn } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { chown, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LauncherError, checkReachable, chownR, ensureDistribution, errText, fileTail, findJava, getJson, isNodeProcess, javaCommand,
  signalGroup, sleep, systemUser, waitForExit, withLock,
} from './node-process.js';
import { freePort, portInUse } from './ports.js';

import { connectionFromEnvironment, createOpenSearchClient, describeConnection, type ConnectionOptions } from '../../storage/connection.js';
import { decodeOpenSearchError } from '../../storage/opensearch-error.js';

export { LauncherError, OPENSEARCH_VERSION } from './node-process.js';

/** Options of a launcher-managed node. */
export interface NodeOptions {
  /** Instance name: separate state, data and logs folders, cluster `audit-trail-<name>`. Default `'default'`. */
  name?: string;
  /**
   * HTTP port on 127.0.0.1 (transport uses port + 100); `0` takes free ports (or the running instance's). Default env
   * `OPENSEARCH_PORT`, else `9200`.
   */
  port?: number;
  /** JVM heap (`-Xms`/`-Xmx`), e.g. `'512m'`, `'1g'`. Default `'512m'`. */
  heap?: string;
  /** How long to wait for the node to become yellow. Default `120000` ms. */
  startTimeoutMs?: number;
}

/** Progress callback; default writes `[opensearch] <msg>` to stderr. */
export type LogFn = (msg: string) => void;

export interface OpenSearchHandle {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:9200`. */
  url: string;
  name: string;
  port: number;
  /** True only when this call spawned the node; false when an already running node was reused or the cluster is external. */
  launched: boolean;
  /** True when the cluster comes from env `OPENSEARCH_URL` (then `stop()` does nothing). */
  external: boolean;
  pid?: number;
  /** Stops the node (and forgets its state); a no-op for external clusters. */
  stop(): Promise<void>;
}

interface NodeState { pid: number; port: number; url: string; startedAt: string }

const defaultLog: LogFn = (msg) => console.error(`[opensearch] ${msg}`);

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

/**
 * An instance's paths. `dir`, its config, state file and console log belong to whoever runs the launcher; `run/` (data,
 * logs, tmp) belongs to the node's user: when the launcher is root, nothing root writes or runs is in the user's hands.
 */
function instance(name: string) {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) throw new LauncherError(`invalid node name '${name}': use letters, digits, '-' and '_'`);
  const dir = join(cacheDir(), 'instances', name);
  const run = join(dir, 'run');
  const data = join(run, 'data');
  // The data path appears on the node's command line, so it identifies our process in /proc/<pid>/cmdline.
  return { dir, run, data, logs: join(run, 'logs'), config: join(dir, 'config'), tmp: join(run, 'tmp'),
    state: join(dir, 'node.json'), consoleLog: join(dir, 'console.log'), marker: `-Epath.data=${data}` };
}

/** Writes a file by rename, so a link planted at its path is replaced, never followed. */
async function replaceFile(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, { flag: 'wx', mode: 0o644 });
  await rename(tmp, path);
}

async function readState(file: string): Promise<NodeState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as NodeState;
  } catch {
    return undefined;
  }
}

/** Cluster name of whatever OpenSearch answers at `url`; `null` for a non-OpenSearch answer, undefined for no answer. */
async function clusterNameAt(url: string): Promise<string | null | undefined> {
  try {
    const body = await getJson(`${url}/`);
    return typeof body.cluster_name === 'string' ? body.cluster_name : null;
  } catch {
    return undefined;
  }
}

/** Polls cluster health until yellow/green; fails early when `alive()` turns false, or at the deadline. */
async function waitReady(url: string, alive: () => string | undefined, timeoutMs: number, logFile: string, hint: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const dead = alive();
    if (dead) throw new LauncherError(`OpenSearch ${dead}. Last lines of ${logFile}:\n${await fileTail(logFile)}`);
    try {
      const h = await getJson(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, 3000);
      if (h.status === 'yellow' || h.status === 'green') return;
      last = `cluster health ${String(h.status)}`;
    } catch (e) {
      last = errText(e);
    }
    if (Date.now() > deadline) {
      throw new LauncherError(`OpenSearch at ${url} was not ready after ${timeoutMs / 1000} s (${last}); ${hint}. Last lines of ${logFile}:\n${await fileTail(logFile)}`);
    }
    await sleep(250);
  }
}

function handle(name: string, port: number, launched: boolean, pid: number | undefined): OpenSearchHandle {
  return { url: `http://127.0.0.1:${port}`, name, port, launched, external: false, pid,
    stop: async () => { await stopNode(name); } };
}

function envPort(): number | undefined {
  const raw = process.env.OPENSEARCH_PORT;
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65435) throw new LauncherError(`OPENSEARCH_PORT=${raw} is not a valid port`);
  return port;
}

/**
 * Uses the cluster at env `OPENSEARCH_URL` when set (it must answer), otherwise starts or reuses a local node
 * ({@link startNode}).
 */
export async function ensureOpenSearch(opts: NodeOptions & { log?: LogFn } = {}): Promise<OpenSearchHandle> {
  const external = process.env.OPENSEARCH_URL;
  if (!external) return startNode(opts);
  let connection: ConnectionOptions;
  try {
    connection = connectionFromEnvironment(process.env);
  } catch (e) {
    throw new LauncherError(errText(e));
  }
  const url = new URL(connection.nodes[0]!);
  const shown = describeConnection(connection);
  const client = createOpenSearchClient(connection);
  try {
    await client.info({}, { requestTimeout: 5000, maxRetries: 0 });
  } catch (e) {
    throw new LauncherError(`OPENSEARCH_URL=${shown} does not answer: ${decodeOpenSearchError(e).message} (unset OPENSEARCH_URL to let the launcher start a local node)`);
  } finally {
    await client.close();
  }
  return { url: external.replace(/\/$/, ''), name: 'external', port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
    launched: false, external: true, stop: async () => {} };
}

/** Starts the named local node, or reuses it when it already runs. Ignores `OPENSEARCH_URL`. */
export async function startNode(opts: NodeOptions & { log?: LogFn } = {}): Promise<OpenSearchHandle> {
  const name = opts.name ?? 'default';
  const requestedPort = opts.port ?? envPort() ?? 9200;
  const heap = opts.heap ?? '512m';
  const timeoutMs = opts.startTimeoutMs ?? 120_000;
  const log = opts.log ?? defaultLog;
  if (!/^[1-9]\d*[mg]$/i.test(heap)) throw new LauncherError(`invalid heap '${heap}': use e.g. 512m or 1g`);
  const inst = instance(name);
  await mkdir(inst.dir, { recursive: true });
  return withLock(join(inst.dir, 'start.lock'), timeoutMs + 60_000, async () => {
    const state = await readState(inst.state);
    const stuck = `it still runs: stop it (npm run opensearch -- stop --name ${name}) and retry`;
    const gone = (pid: number) => () => (isNodeProcess(pid, inst.marker) ? undefined : `process ${pid} is gone`);
    const alive = state !== undefined && isNodeProcess(state.pid, inst.marker);
    const port = requestedPort !== 0 ? requestedPort : alive ? state.port : await freePort();
    const transportPort = requestedPort !== 0 ? port + 100 : await freePort([port]);
    const url = `http://127.0.0.1:${port}`;
    if (state && alive) {
      if (state.port !== port) {
        throw new LauncherError(`node '${name}' already runs on ${state.url}: use port ${state.port}, or stop it first (npm run opensearch -- stop --name ${name})`);
      }
      await waitReady(url, gone(state.pid), timeoutMs, inst.consoleLog, stuck);
      return handle(name, port, false, state.pid);
    }
    if (state) await rm(inst.state, { force: true }); // stale: the process is gone
    const answering = await clusterNameAt(url);
    if (answering === `audit-trail-${name}`) {
      // Our node whose state file was lost: adopt it if its pid proves it is this instance.
      const nodes = (await getJson(`${url}/_nodes/_local/process`).catch(() => ({}) as Record<string, unknown>)).nodes as Record<string, { process?: { id?: number } }> | undefined;
      const pid = Object.values(nodes ?? {})[0]?.process?.id;
      if (pid && isNodeProcess(pid, inst.marker)) {
        await replaceFile(inst.state, JSON.stringify({ pid, port, url, startedAt: new Date().toISOString() }, null, 2));
        await waitReady(url, gone(pid), timeoutMs, inst.consoleLog, stuck);
        return handle(name, port, false, pid);
      }
    }
    if (answering !== undefined || (await portInUse(port))) {
      throw new LauncherError(`port ${port} is in use by another program${answering ? ` (OpenSearch cluster '${answering}')` : ''}: set OPENSEARCH_PORT or OPENSEARCH_URL`);
    }
    if (await portInUse(transportPort)) {
      throw new LauncherError(`transport port ${transportPort} (HTTP port + 100) is in use by another program: set OPENSEARCH_PORT to another port`);
    }

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

    log(`starting node '${name}' on ${url}…`);
    const t0 = Date.now();
    const settings = {
      'cluster.name': `audit-trail-${name}`, 'node.name': name, 'discovery.type': 'single-node', 'network.host': '127.0.0.1',
      'http.port': port, 'transport.port': transportPort, 'path.data': inst.data, 'path.logs': inst.logs,
      'cluster.routing.allocation.disk.threshold_enabled': false,
    };
    const child = spawn(join(javaHome, 'bin', 'java'), [...java, ...Object.entries(settings).map(([k, v]) => `-E${k}=${v}`)], {
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
    await replaceFile(inst.state, JSON.stringify({ pid, port, url, startedAt: new Date().toISOString() } satisfies NodeState, null, 2));
    try {
      await waitReady(url, () => exited, timeoutMs, inst.consoleLog, 'it was stopped; raise startTimeoutMs if the machine is just slow');
    } catch (e) {
      await stopNode(name);
      throw e;
    }
    log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return handle(name, port, true, pid);
  });
}

/** Stops the named node (SIGTERM to its process group, SIGKILL after 30 s). Returns whether a running node was stopped. */
export async function stopNode(name = 'default'): Promise<boolean> {
  const inst = instance(name);
  const state = await readState(inst.state);
  if (!state) return false;
  let stopped = false;
  if (isNodeProcess(state.pid, inst.marker)) {
    signalGroup(state.pid, 'SIGTERM');
    if (!(await waitForExit(state.pid, inst.marker, 30_000))) {
      signalGroup(state.pid, 'SIGKILL');
      await waitForExit(state.pid, inst.marker, 5_000);
    }
    stopped = true;
  }
  await rm(inst.state, { force: true });
  return stopped;
}

/** Whether the named node's process is alive and answers HTTP. */
export async function nodeStatus(name = 'default'): Promise<{ running: boolean; url?: string; pid?: number }> {
  const inst = instance(name);
  const state = await readState(inst.state);
  if (!state || !isNodeProcess(state.pid, inst.marker)) return { running: false };
  const running = (await clusterNameAt(state.url)) === `audit-trail-${name}`;
  return { running, url: state.url, pid: state.pid };
}
