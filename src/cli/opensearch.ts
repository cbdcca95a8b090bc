// `audit-trail opensearch start|stop|status`: the local development node or cluster (downloaded and run by the launcher), or the configured cluster's status.
import { nodeStatus, startNode, stopNode } from '../dev/opensearch/launcher.js';
import { CLUSTER_NODE_HEAP, MAX_CLUSTER_NODES, clusterStatus, recordedClusterSize, startCluster, stopCluster } from '../dev/opensearch/cluster.js';
import { CONNECTION_ENV } from '../storage/connection.js';
import { COMMON_HELP, EXIT, UsageError, parse, type CliContext, type Command } from './command.js';
import { clusterFromEnvironment, effectiveEnvironment } from './config.js';

const HELP = `usage: audit-trail opensearch <start|stop|status> [--name NAME] [--nodes N] [--port PORT] [--heap SIZE]

A local OpenSearch 2.19.6 for development, one node or a cluster of several on 127.0.0.1
(downloaded with Maven once, needs Java 17; kept under AUDIT_TRAIL_CACHE_DIR, default
<package>/.cache/opensearch). Not for production.

  start    start (or reuse) the local node or cluster and print its URLs (comma-separated, as
           OPENSEARCH_URL takes them); it keeps running after this command
  stop     stop the local node, or every node of the local cluster
  status   with OPENSEARCH_URL set: whether that cluster answers; else whether the local nodes run

Options:
  --name NAME   instance name (separate data and logs); default default
  --nodes N     start a cluster of N nodes (2 to ${MAX_CLUSTER_NODES}), node i on port PORT+i-1; fixed when the
                cluster is first started; default 1, or the size of the cluster NAME already made
  --port PORT   HTTP port on 127.0.0.1 (of the first node); default OPENSEARCH_PORT or 9200
  --heap SIZE   JVM heap of each node, e.g. 512m, 1g; default 512m (a cluster's nodes: ${CLUSTER_NODE_HEAP})
${COMMON_HELP}

Exit codes: 0 done (status: running), 1 failed, 2 usage or configuration error, 3 status: not running`;

export const opensearchCommand: Command = {
  name: 'opensearch',
  summary: 'start, stop or check the local development OpenSearch node',
  help: HELP,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(args, { name: { type: 'string' }, port: { type: 'string' }, heap: { type: 'string' }, nodes: { type: 'string' } });
    const [action, ...rest] = positionals;
    if (!action || !['start', 'stop', 'status'].includes(action)) throw new UsageError(action ? `unknown action '${action}': use start, stop or status` : 'give the action: start, stop or status');
    if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}'`);
    const name = values.name ?? 'default';
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port <= 65435)) throw new UsageError(`--port ${values.port} is not a valid port (1-65435)`);
    if (values.heap !== undefined && !/^\d+[mg]$/.test(values.heap)) throw new UsageError(`--heap ${values.heap}: give a size such as 512m or 1g`);
    const nodes = values.nodes === undefined ? undefined : Number(values.nodes);
    if (nodes !== undefined && !(Number.isInteger(nodes) && nodes >= 1 && nodes <= MAX_CLUSTER_NODES)) throw new UsageError(`--nodes ${values.nodes}: give a number of nodes from 1 to ${MAX_CLUSTER_NODES}`);
    const env = effectiveEnvironment(ctx, values.config);
    const log = (m: string): void => ctx.err(`[opensearch] ${m}`);
    const heap = values.heap !== undefined ? { heap: values.heap } : {};
    switch (action) {
      case 'start': {
        const size = nodes ?? (await recordedClusterSize(name)) ?? 1;
        if (size === 1) ctx.out((await startNode({ name, ...(port !== undefined && { port }), ...heap, log })).url);
        else ctx.out((await startCluster({ name, nodes: size, ...(port !== undefined && { port }), ...heap, log })).urls.join(','));
        return EXIT.ok;
      }
      case 'stop': {
        const members = await stopCluster(name);
        if (members) log(`stopped ${members} node(s) of cluster '${name}'`);
        if (await stopNode(name)) log(`stopped node '${name}'`);
        else if (!members) log(`node '${name}' was not running`);
        return EXIT.ok;
      }
      default: {
        if (env[CONNECTION_ENV.url]) {
          const cluster = clusterFromEnvironment(env, ctx);
          try {
            const info = await cluster.client.info({}, { requestTimeout: 5000, maxRetries: 0 });
            const version = (info.body as { version?: { number?: string } }).version?.number ?? 'unknown version';
            ctx.out(`cluster at ${cluster.shown} answers (OpenSearch ${version})`);
            return EXIT.ok;
          } catch (error) {
            const status = (error as { meta?: { statusCode?: number } }).meta?.statusCode;
            ctx.out(`cluster at ${cluster.shown} does not answer${status ? ` (HTTP ${status})` : ` (${(error as Error).message})`}`);
            return EXIT.notRunning;
          } finally {
            await cluster.client.close();
          }
        }
        const members = await clusterStatus(name);
        if (members) {
          for (const { member, running, pid } of members) ctx.out(`node '${member.name}' ${running ? `runs at ${member.url} (pid ${pid})` : `is not running${pid ? ` (pid ${pid} alive but not answering)` : ''}`}`);
          return members.every((m) => m.running) ? EXIT.ok : EXIT.notRunning;
        }
        const s = await nodeStatus(name);
        ctx.out(s.running ? `node '${name}' runs at ${s.url} (pid ${s.pid})` : `node '${name}' is not running${s.pid ? ` (pid ${s.pid} alive but not answering)` : ''}`);
        return s.running ? EXIT.ok : EXIT.notRunning;
      }
    }
  },
};
