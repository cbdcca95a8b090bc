// `audit-trail opensearch start|stop|status`: the local development node (downloaded and run by the launcher), or the configured cluster's status.
import { nodeStatus, startNode, stopNode } from '../dev/opensearch/launcher.js';
import { CONNECTION_ENV } from '../storage/connection.js';
import { COMMON_HELP, EXIT, UsageError, parse, type CliContext, type Command } from './command.js';
import { clusterFromEnvironment, effectiveEnvironment } from './config.js';

const HELP = `usage: audit-trail opensearch <start|stop|status> [--name NAME] [--port PORT] [--heap SIZE]

A local single-node OpenSearch 2.19.6 for development (downloaded with Maven once, needs Java 17;
kept under AUDIT_TRAIL_CACHE_DIR, default <package>/.cache/opensearch). Not for production.

  start    start (or reuse) the local node and print its URL; it keeps running after this command
  stop     stop the local node
  status   with OPENSEARCH_URL set: whether that cluster answers; else whether the local node runs

Options:
  --name NAME   instance name (separate data and logs); default default
  --port PORT   HTTP port on 127.0.0.1; default OPENSEARCH_PORT or 9200
  --heap SIZE   JVM heap, e.g. 512m, 1g; default 512m
${COMMON_HELP}

Exit codes: 0 done (status: running), 1 failed, 2 usage or configuration error, 3 status: not running`;

export const opensearchCommand: Command = {
  name: 'opensearch',
  summary: 'start, stop or check the local development OpenSearch node',
  help: HELP,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(args, { name: { type: 'string' }, port: { type: 'string' }, heap: { type: 'string' } });
    if (values.help) {
      ctx.out(HELP);
      return EXIT.ok;
    }
    const [action, ...rest] = positionals;
    if (!action || !['start', 'stop', 'status'].includes(action)) throw new UsageError(action ? `unknown action '${action}': use start, stop or status` : 'give the action: start, stop or status');
    if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}'`);
    const name = values.name ?? 'default';
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port <= 65435)) throw new UsageError(`--port ${values.port} is not a valid port (1-65435)`);
    if (values.heap !== undefined && !/^\d+[mg]$/.test(values.heap)) throw new UsageError(`--heap ${values.heap}: give a size such as 512m or 1g`);
    const env = effectiveEnvironment(ctx, values.config);
    switch (action) {
      case 'start':
        ctx.out((await startNode({ name, ...(port !== undefined && { port }), ...(values.heap !== undefined && { heap: values.heap }), log: (m) => ctx.err(`[opensearch] ${m}`) })).url);
        return EXIT.ok;
      case 'stop':
        ctx.err(`[opensearch] ${(await stopNode(name)) ? `stopped node '${name}'` : `node '${name}' was not running`}`);
        return EXIT.ok;
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
        const s = await nodeStatus(name);
        ctx.out(s.running ? `node '${name}' runs at ${s.url} (pid ${s.pid})` : `node '${name}' is not running${s.pid ? ` (pid ${s.pid} alive but not answering)` : ''}`);
        return s.running ? EXIT.ok : EXIT.notRunning;
      }
    }
  },
};
