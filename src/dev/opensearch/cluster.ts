// Local multi-node OpenSearch clusters on loopback: start, stop and status of every member, and crashing or restarting one (fault tests).
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LauncherError, withLock } from './node-process.js';
import {
  cacheDir, checkName, clusterNameAt, defaultLog, instance, replaceFile, runningPid, spawnInstance, stopInstance, waitReady,
  type LogFn, type NodeSettings, type SpawnedNode,
} from './instance.js';
import { freePort, portInUse } from './ports.js';
import { envPort } from './launcher.js';

/** Most nodes a local cluster may have: each is a JVM of its own on this machine. */
export const MAX_CLUSTER_NODES = 9;
/** Heap of each node of a local cluster, small so that three fit a 2-core development machine. */
export const CLUSTER_NODE_HEAP = '320m';

export interface ClusterOptions {
  /** Cluster name: its nodes are instances `<name>-n1` … `<name>-nN`, cluster `audit-trail-<name>`. Default `'default'`. */
  name?: string;
  /** Number of nodes, 2 to {@link MAX_CLUSTER_NODES}; fixed when the cluster is first made. */
  nodes: number;
  /** HTTP port of the first node (node i takes port + i - 1, transport port + 100 + i - 1); `0` takes free ports. Default env `OPENSEARCH_PORT`, else `9200`. */
  port?: number;
  /** JVM heap of each node. Default {@link CLUSTER_NODE_HEAP}. */
  heap?: string;
  /** How long to wait for every node to join and the cluster to be yellow. Default 120 s plus 60 s per node. */
  startTimeoutMs?: number;
  log?: LogFn;
}

/** One node of a local cluster as recorded when the cluster was made. */
export interface ClusterMember { name: string; port: number; transportPort: number; url: string }

export interface ClusterHandle {
  name: string;
  members: ClusterMember[];
  /** Every node's URL, in order (what `OPENSEARCH_URL` takes, comma-separated). */
  urls: string[];
  /** True when this call spawned at least one node. */
  launched: boolean;
  /** Stops every node (keeping data and ports for the next start). */
  stop(): Promise<void>;
}

/** The cluster's record: made once, so ports, seed hosts and node names stay the same across restarts. */
interface ClusterRecord { nodes: number; heap: string; members: ClusterMember[]; createdAt: string }

function recordPath(name: string): string {
  return join(cacheDir(), 'clusters', `${checkName(name)}.json`);
}

async function readRecord(name: string): Promise<ClusterRecord | undefined> {
  try {
    return JSON.parse(await readFile(recordPath(name), 'utf8')) as ClusterRecord;
  } catch {
    return undefined;
  }
}

/** The number of nodes of the named local cluster, or undefined when there is none. */
export async function recordedClusterSize(name = 'default'): Promise<number | undefined> {
  return (await readRecord(name))?.nodes;
}

async function newRecord(name: string, nodes: number, port: number, heap: string): Promise<ClusterRecord> {
  const taken: number[] = [];
  const pick = async (fixed: number): Promise<number> => {
    const chosen = port === 0 ? await freePort(taken) : fixed;
    taken.push(chosen);
    return chosen;
  };
  const members: ClusterMember[] = [];
  for (let i = 1; i <= nodes; i++) {
    const http = await pick(port + i - 1);
    const transportPort = await pick(port + 100 + i - 1);
    members.push({ name: `${name}-n${i}`, port: http, transportPort, url: `http://127.0.0.1:${http}` });
  }
  return { nodes, heap, members, createdAt: new Date().toISOString() };
}

/** A member's settings: one cluster on loopback, every member a seed host and a cluster-manager candidate. */
function memberSettings(name: string, record: ClusterRecord, member: ClusterMember): NodeSettings {
  return {
    'cluster.name': `audit-trail-${name}`, 'node.name': member.name, 'network.host': '127.0.0.1',
    'http.port': member.port, 'transport.port': member.transportPort,
    'discovery.seed_hosts': record.members.map((m) => `127.0.0.1:${m.transportPort}`).join(','),
    'cluster.initial_cluster_manager_nodes': record.members.map((m) => m.name).join(','),
    'cluster.routing.allocation.disk.threshold_enabled': false,
  };
}

function checkOptions(opts: ClusterOptions): { name: string; heap: string; port: number; timeoutMs: number } {
  const { nodes } = opts;
  if (!Number.isInteger(nodes) || nodes < 2 || nodes > MAX_CLUSTER_NODES) {
    throw new LauncherError(`a local cluster has 2 to ${MAX_CLUSTER_NODES} nodes, not ${nodes}: use --nodes 1 (or leave it out) for a single node`);
  }
  const heap = opts.heap ?? CLUSTER_NODE_HEAP;
  if (!/^[1-9]\d*[mg]$/i.test(heap)) throw new LauncherError(`invalid heap '${heap}': use e.g. 320m or 1g`);
  const port = opts.port ?? envPort() ?? 9200;
  if (!Number.isInteger(port) || port < 0 || port + 100 + nodes > 65535) throw new LauncherError(`port ${port} leaves no room for ${nodes} nodes (ports up to port + ${100 + nodes - 1}): give a lower one, or 0 for free ports`);
  return { name: checkName(opts.name ?? 'default'), heap, port, timeoutMs: opts.startTimeoutMs ?? 120_000 + 60_000 * nodes };
}

/** Throws when a port of a member that is not running is taken by some other program. */
async function checkPortsFree(name: string, member: ClusterMember): Promise<void> {
  for (const [kind, port] of [['HTTP', member.port], ['transport', member.transportPort]] as const) {
    if (!(await portInUse(port))) continue;
    const answering = kind === 'HTTP' ? await clusterNameAt(member.url) : undefined;
    throw new LauncherError(`${kind} port ${port} of node '${member.name}' is in use by another program${answering ? ` (OpenSearch cluster '${answering}')` : ''}: stop it, or stop this cluster (npm run opensearch -- stop --name ${name}) and delete ${recordPath(name)} to make it again on other ports`);
  }
}

/**
 * Starts the named local cluster of `nodes` nodes (reusing the nodes that already run), waits until every node has joined
 * and the cluster is yellow or green, and returns its URLs. The first start fixes the ports and the number of nodes.
 */
export async function startCluster(opts: ClusterOptions): Promise<ClusterHandle> {
  const { name, heap, port, timeoutMs } = checkOptions(opts);
  const log = opts.log ?? defaultLog;
  await mkdir(join(cacheDir(), 'clusters'), { recursive: true });
  return withLock(join(cacheDir(), 'clusters', `${name}.lock`), timeoutMs + 60_000, async () => {
    let record = await readRecord(name);
    if (record && record.nodes !== opts.nodes) {
      throw new LauncherError(`local cluster '${name}' was made with ${record.nodes} nodes: start it with --nodes ${record.nodes}, or choose another --name`);
    }
    if (!record) {
      record = await newRecord(name, opts.nodes, port, heap);
      await replaceFile(recordPath(name), JSON.stringify(record, null, 2));
    }
    const spawned: SpawnedNode[] = [];
    const t0 = Date.now();
    try {
      for (const member of record.members) {
        if ((await runningPid(instance(member.name))) !== undefined) continue;
        await checkPortsFree(name, member);
        log(`starting node '${member.name}' of cluster '${name}' on ${member.url}…`);
        spawned.push(await spawnInstance(instance(member.name), memberSettings(name, record, member), heap, member.port, log));
      }
      const first = record.members[0]!;
      const dead = () => spawned.map((s) => s.exited()).find(Boolean);
      await waitReady(first.url, dead, timeoutMs, instance(first.name).consoleLog, `every node must join; raise startTimeoutMs if the machine is just slow (logs: ${join(cacheDir(), 'instances')}/${name}-n*/console.log)`, record.nodes);
    } catch (e) {
      if (spawned.length) await stopCluster(name);
      throw e;
    }
    if (spawned.length) log(`cluster '${name}' of ${record.nodes} nodes ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const members = record.members;
    return { name, members, urls: members.map((m) => m.url), launched: spawned.length > 0, stop: async () => { await stopCluster(name); } };
  });
}

/** Stops every node of the named local cluster (data and ports are kept). Returns how many were running. */
export async function stopCluster(name = 'default'): Promise<number> {
  const record = await readRecord(name);
  if (!record) return 0;
  const stopped = await Promise.all(record.members.map((m) => stopInstance(instance(m.name))));
  return stopped.filter(Boolean).length;
}

/** Each node of the named local cluster: whether its process runs and answers as a member; undefined when there is no such cluster. */
export async function clusterStatus(name = 'default'): Promise<{ member: ClusterMember; running: boolean; pid?: number }[] | undefined> {
  const record = await readRecord(name);
  if (!record) return undefined;
  return Promise.all(record.members.map(async (member) => {
    const pid = await runningPid(instance(member.name));
    const running = pid !== undefined && (await clusterNameAt(member.url)) === `audit-trail-${name}`;
    return pid === undefined ? { member, running } : { member, running, pid };
  }));
}

function memberOf(record: ClusterRecord | undefined, name: string, node: string): ClusterMember {
  const member = record?.members.find((m) => m.name === node);
  if (!record) throw new LauncherError(`there is no local cluster '${name}': start it first (npm run opensearch -- start --name ${name} --nodes 3)`);
  if (!member) throw new LauncherError(`cluster '${name}' has no node '${node}': its nodes are ${record.members.map((m) => m.name).join(', ')}`);
  return member;
}

/** Crashes one node of the cluster (SIGKILL, no shutdown): for fault tests. Returns whether it was running. */
export async function killClusterNode(name: string, node: string): Promise<boolean> {
  memberOf(await readRecord(name), name, node);
  return stopInstance(instance(node), 'SIGKILL');
}

/** Starts one node of the cluster again and waits until the cluster counts all its nodes again. */
export async function restartClusterNode(name: string, node: string, opts: { startTimeoutMs?: number; log?: LogFn } = {}): Promise<void> {
  const record = await readRecord(name);
  const member = memberOf(record, name, node);
  const inst = instance(node);
  if ((await runningPid(inst)) !== undefined) throw new LauncherError(`node '${node}' already runs`);
  await checkPortsFree(name, member);
  const spawned = await spawnInstance(inst, memberSettings(name, record!, member), record!.heap, member.port, opts.log ?? defaultLog);
  await waitReady(member.url, spawned.exited, opts.startTimeoutMs ?? 180_000, inst.consoleLog, 'the node did not rejoin', record!.nodes);
}

