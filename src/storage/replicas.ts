// How many replicas the audit indices get: one where a second data node can hold it, none on a single data node, or what the caller says.
import type { Client } from '@opensearch-project/opensearch';
import { ConfigurationError } from '../model/errors.js';
import { decodeOpenSearchError } from './opensearch-error.js';

/** The replica defaults, declared once. */
export const REPLICA_DEFAULTS = {
  /** `'auto'`: count the data nodes and take {@link REPLICA_DEFAULTS.clustered} from {@link REPLICA_DEFAULTS.clusterFrom} of them, else 0. */
  setting: 'auto',
  /** Data nodes from which the automatic choice gives replicas. */
  clusterFrom: 2,
  /** Replicas of the automatic choice on a cluster of several data nodes. */
  clustered: 1,
  /** Highest replica count accepted. */
  max: 5,
} as const;

/** A number of replicas, or `'auto'` to decide from the number of data nodes. */
export type ReplicaSetting = number | 'auto';

/** What set-up decided, and why. */
export interface ReplicaChoice {
  replicas: number;
  /** Data nodes the cluster reported. */
  dataNodes: number;
  /** `counted`: from the number of data nodes; `given`: the caller's option. */
  source: 'counted' | 'given';
  /** Set when the cluster cannot place every replica: it will stay yellow. */
  warning?: string;
}

/** Checks a replica setting (a whole number from 0 to {@link REPLICA_DEFAULTS.max}, or `'auto'`); throws a ConfigurationError naming `option`. */
export function checkReplicaSetting(value: unknown, option = 'replicas'): ReplicaSetting {
  if (value === undefined) return REPLICA_DEFAULTS.setting;
  if (value === 'auto') return value;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > REPLICA_DEFAULTS.max) {
    throw new ConfigurationError(option, `must be auto or a whole number of replicas from 0 to ${REPLICA_DEFAULTS.max}, not ${JSON.stringify(value)}`);
  }
  return n;
}

/** Counts the cluster's data nodes (`GET _cluster/health`) and decides the replica count. */
export async function chooseReplicas(client: Client, setting: ReplicaSetting = REPLICA_DEFAULTS.setting): Promise<ReplicaChoice> {
  const health = await client.cluster.health({}, { requestTimeout: 10_000 });
  const dataNodes = Number((health.body as { number_of_data_nodes?: number }).number_of_data_nodes ?? 0);
  if (setting === 'auto') {
    return { replicas: dataNodes >= REPLICA_DEFAULTS.clusterFrom ? REPLICA_DEFAULTS.clustered : 0, dataNodes, source: 'counted' };
  }
  const choice: ReplicaChoice = { replicas: setting, dataNodes, source: 'given' };
  if (setting > dataNodes - 1) choice.warning = `${setting} replica(s) need ${setting + 1} data nodes and the cluster has ${dataNodes}: it stays yellow until enough join`;
  return choice;
}

/** The index settings of an explicit replica count (auto-expansion off, so the count holds whatever nodes come and go). */
export function replicaSettings(replicas: number): Record<string, number | boolean> {
  return { 'index.number_of_replicas': replicas, 'index.auto_expand_replicas': false };
}

/** The replica count of an installed template's settings, or undefined when it has none (e.g. auto-expansion). */
export function templateReplicas(settings: unknown): number | undefined {
  const s = settings as { index?: { number_of_replicas?: string | number; auto_expand_replicas?: string } } | undefined;
  const auto = s?.index?.auto_expand_replicas;
  if (auto !== undefined && auto !== 'false') return undefined;
  const n = s?.index?.number_of_replicas;
  return n === undefined ? undefined : Number(n);
}

/** Applies the replica count to an index or data stream's backing indices that exist; a missing one is fine. */
export async function applyReplicas(client: Client, index: string, replicas: number): Promise<void> {
  await client.indices.putSettings({ index, body: replicaSettings(replicas) as never }).catch((error: unknown) => {
    if (decodeOpenSearchError(error).status !== 404) throw error;
  });
}
