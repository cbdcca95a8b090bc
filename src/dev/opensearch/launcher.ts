// The project's own OpenSearch launcher: fetches, unpacks and runs (or reuses) local single-node clusters.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LauncherError, errText, getJson, isNodeProcess, withLock } from './node-process.js';
import {
  clusterNameAt, defaultLog, instance, readState, replaceFile, runningPid, spawnInstance, stopInstance, waitReady, type LogFn,
} from './instance.js';
import { freePort, portInUse } from './ports.js';

import { connectionFromEnvironment, createOpenSearchClient, describeConnection, type ConnectionOptions } from '../../storage/connection.js';
import { decodeOpenSearchError } from '../../storage/opensearch-error.js';

export { LauncherError, OPENSEARCH_VERSION } from './node-process.js';
export { cacheDir, type LogFn } from './instance.js';

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

function handle(name: string, port: number, launched: boolean, pid: number | undefined): OpenSearchHandle {
  return { url: `http://127.0.0.1:${port}`, name, port, launched, external: false, pid,
    stop: async () => { await stopNode(name); } };
}

export function envPort(): number | undefined {
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

    log(`starting node '${name}' on ${url}…`);
    const t0 = Date.now();
    const settings = {
      'cluster.name': `audit-trail-${name}`, 'node.name': name, 'discovery.type': 'single-node', 'network.host': '127.0.0.1',
      'http.port': port, 'transport.port': transportPort, 'cluster.routing.allocation.disk.threshold_enabled': false,
    };
    const { pid, exited } = await spawnInstance(inst, settings, heap, port, log);
    try {
      await waitReady(url, exited, timeoutMs, inst.consoleLog, 'it was stopped; raise startTimeoutMs if the machine is just slow');
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
  return stopInstance(instance(name));
}

/** Whether the named node's process is alive and answers HTTP. */
export async function nodeStatus(name = 'default'): Promise<{ running: boolean; url?: string; pid?: number }> {
  const inst = instance(name);
  const state = await readState(inst.state);
  if (!state || (await runningPid(inst)) === undefined) return { running: false };
  const running = (await clusterNameAt(state.url)) === `audit-trail-${name}`;
  return { running, url: state.url, pid: state.pid };
}
