// `audit-trail setup`: checks the cluster's version, then installs or upgrades the index template and creates a namespace's data stream (idempotent).
import { hasIsm, installIsmPolicy } from '../storage/ism.js';
import { readRetentionSettings } from '../storage/retention-settings.js';
import { checkClusterVersion, UnsupportedClusterError } from '../storage/cluster-version.js';
import { setupAuditStorage, type SetupResult } from '../storage/setup.js';
import { DEFAULT_NAMESPACE } from '../model/vocabulary.js';
import { checkReplicaSetting, REPLICA_DEFAULTS, type ReplicaChoice, type ReplicaSetting } from '../storage/replicas.js';
import { COMMON_HELP, EXIT, UsageError, asUsage, parse, type CliContext, type Command, namespaceArgument } from './command.js';
import { clusterFromEnvironment, effectiveEnvironment, type Cluster } from './config.js';

const HELP = `usage: audit-trail setup [--namespace NAME] [--replicas N|auto]

Installs the index template (or upgrades an older one) and creates the data stream
logs-audit_trail.events-NAME. Safe to run again: an up-to-date template is left alone.
Run it again after upgrading the package to upgrade the template.
The cluster must be OpenSearch 2.15 or newer (tested on 2.19.6); an older one or
Elasticsearch is refused before anything is written.

Options:
  --namespace NAME  data stream namespace (lower-case letters, digits, _); default ${DEFAULT_NAMESPACE}
  --replicas N      replicas of every audit index (0 to ${REPLICA_DEFAULTS.max}), set in the templates and on the
                    namespace's indices; default auto: ${REPLICA_DEFAULTS.clustered} when the cluster has ${REPLICA_DEFAULTS.clusterFrom} or more data nodes, else 0
${COMMON_HELP}

Cluster: OPENSEARCH_URL, OPENSEARCH_USERNAME, OPENSEARCH_PASSWORD(_FILE), OPENSEARCH_CA_FILE, … (see README)
Exit codes: 0 done, 1 cluster unreachable, refusing or unsupported, 2 usage or configuration error`;

/** How the replica choice reads in the log. */
function describeReplicas(choice: ReplicaChoice): string {
  const nodes = `${choice.dataNodes} data node${choice.dataNodes === 1 ? '' : 's'}`;
  const why = choice.source === 'given' ? `as --replicas says; ${nodes}` : nodes;
  return `[setup] replicas ${choice.replicas} (${why})${choice.warning ? `; warning: ${choice.warning}` : ''}`;
}

/** Checks the version, then sets up the namespace; logs what happened. Throws UnsupportedClusterError on an old cluster. */
export async function setupCluster(cluster: Cluster, namespace: string, log: (line: string) => void, replicas: ReplicaSetting = REPLICA_DEFAULTS.setting): Promise<SetupResult> {
  const verdict = await checkClusterVersion(cluster.client);
  if (!verdict.supported) throw new UnsupportedClusterError(verdict);
  log(verdict.kind === 'supported' ? `[setup] ${verdict.message} at ${cluster.shown}` : `[setup] warning: ${verdict.message}`);
  const result = await setupAuditStorage(cluster.client, { namespace, replicas, clusterVersion: verdict });
  log(describeReplicas(result.replicas));
  log(result.concurrentSearch ? `[setup] concurrent segment search ${result.concurrentSearch} (aggregations such as the histogram read a shard's segments in parallel)` : '[setup] no concurrent segment search (OpenSearch 2.17 or newer has it)');
  const template = result.template === 'upgraded' ? `upgraded (from version ${result.previousVersion})` : result.template === 'newer-installed' ? `left alone (a newer version ${result.previousVersion} is installed)` : result.template;
  if (await hasIsm(cluster.client)) {
    const policy = await installIsmPolicy(cluster.client, await readRetentionSettings(cluster.client, namespace));
    log(`[setup] Index State Management: policy ${policy.policyId} ${policy.action}`);
  } else log('[setup] no Index State Management on this cluster: retention is the daily job of audit-trail serve (audit-trail retention)');
  log(`[setup] template ${template}; data stream ${result.dataStream} ${result.dataStreamCreated ? 'created' : 'already there'}; checkpoint template ${result.checkpointTemplate}`);
  return result;
}

export const setupCommand: Command = {
  name: 'setup',
  summary: 'install or upgrade the index template and create a data stream (idempotent)',
  help: HELP,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(args, { namespace: { type: 'string' }, replicas: { type: 'string' } });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const namespace = namespaceArgument(values.namespace ?? DEFAULT_NAMESPACE);
    const replicas = replicasArgument(values.replicas);
    const cluster = clusterFromEnvironment(effectiveEnvironment(ctx, values.config), ctx);
    try {
      const result = await setupCluster(cluster, namespace, ctx.err, replicas);
      ctx.out(`ready: ${result.dataStream}`);
      return EXIT.ok;
    } finally {
      await cluster.client.close();
    }
  },
};

/** `--replicas`: a usage error naming the flag when it is not auto or a count. */
function replicasArgument(raw: string | undefined): ReplicaSetting {
  return asUsage(() => checkReplicaSetting(raw, '--replicas'), () => `--replicas ${raw}: give auto or a whole number from 0 to ${REPLICA_DEFAULTS.max}`);
}
