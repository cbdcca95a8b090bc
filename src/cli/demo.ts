// `audit-trail demo`: seeds demo events (the example workspace platform driven over 30 days) into a namespace of their own, on a local cluster only unless told otherwise.
import { DEMO_EVENTS_QUERY, DEMO_NAMESPACE, seedDemoData, type SeedResult } from '../dev/demo/seed.js';
import { defaultDataDir } from '../web/auth/data.js';
import { webSettingsFromEnvironment } from '../web/settings.js';
import { producerSigningKey } from './signing-key.js';
import { DEFAULT_NAMESPACE } from '../model/vocabulary.js';
import { dataStreamName } from '../storage/template.js';
import { COMMON_HELP, CommandError, EXIT, UsageError, parse, type CliContext, type Command, namespaceArgument } from './command.js';
import { clusterFromEnvironment, effectiveEnvironment, type Cluster } from './config.js';
import { allOnLoopback } from './loopback.js';
import { setupCluster } from './setup.js';

const HELP = `usage: audit-trail demo [--namespace NAME] [--count N] [--force] [--allow-remote]

Seeds demo audit events into logs-audit_trail.events-NAME by driving the example workspace
platform (its routes, its audit middleware) with a clock spread over the last 30 days.
Runs setup for that namespace first. Seeds once: run again with --force to add more.

Demo data only ever goes into a namespace of its own: never '${DEFAULT_NAMESPACE}', and never a
namespace that already holds events not written by the demo.

Options:
  --namespace NAME  namespace of the demo data; default ${DEMO_NAMESPACE}
  --count N         requests to drive; default 2000
  --force           seed again even when demo data is there
  --allow-remote    allow a cluster that is not on this machine (loopback); off by default
${COMMON_HELP}

Exit codes: 0 seeded (or already there), 1 failed or the namespace holds other data, 2 usage or configuration error`;

/** Events in the namespace that the demo did not write. */
async function foreignEvents(cluster: Cluster, namespace: string): Promise<number> {
  const res = await cluster.client.count({
    index: dataStreamName(namespace),
    body: { query: { bool: { must_not: DEMO_EVENTS_QUERY } } },
    ignore_unavailable: true,
    allow_no_indices: true,
  } as never);
  return (res.body as { count: number }).count;
}

export interface DemoRun {
  namespace: string;
  /** The demo's signing key (PEM): `demoSigningKey`. */
  signingKey: string;
  count?: number;
  force?: boolean;
  progress?: boolean;
}

/** Sets up the namespace and seeds it, refusing a namespace with other data; logs what happened. */
export async function seedDemo(cluster: Cluster, run: DemoRun, log: (line: string) => void): Promise<SeedResult> {
  if (run.namespace === DEFAULT_NAMESPACE) throw new UsageError(`demo data goes into a namespace of its own, never '${DEFAULT_NAMESPACE}': leave --namespace out (${DEMO_NAMESPACE}) or name another`);
  await setupCluster(cluster, run.namespace, log);
  const others = await foreignEvents(cluster, run.namespace);
  if (others > 0) throw new CommandError(`namespace '${run.namespace}' already holds ${others} events not written by the demo: demo data goes into a namespace of its own, choose another --namespace`);
  const seed = await seedDemoData(cluster.client, { namespace: run.namespace, signingKey: run.signingKey, ...(run.count !== undefined && { count: run.count }), ...(run.force !== undefined && { force: run.force }), progress: run.progress ?? false });
  log(seed.seeded ? `[demo] seeded ${seed.delivered}/${seed.count} events into ${dataStreamName(run.namespace)} in ${(seed.ms / 1000).toFixed(1)} s` : `[demo] demo data already in ${dataStreamName(run.namespace)} (not seeded again; --force adds more)`);
  return seed;
}

/** The demo's own key pair, kept in the data directory's keys/ folder (where `audit-trail verify` looks by default). */
export function demoSigningKey(env: NodeJS.ProcessEnv, log: (line: string) => void): string {
  return producerSigningKey(webSettingsFromEnvironment(env).dataDir ?? defaultDataDir(), 'demo', env, log);
}

export const demoCommand: Command = {
  name: 'demo',
  summary: "seed demo events into a namespace of their own ('demo'), on a local cluster",
  help: HELP,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(args, { namespace: { type: 'string' }, count: { type: 'string' }, force: { type: 'boolean' }, 'allow-remote': { type: 'boolean' } });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const namespace = namespaceArgument(values.namespace ?? DEMO_NAMESPACE);
    const count = values.count === undefined ? undefined : Number(values.count);
    if (count !== undefined && !(Number.isInteger(count) && count > 0 && count <= 1_000_000)) throw new UsageError(`--count ${values.count}: give a whole number from 1 to 1000000`);
    const env = effectiveEnvironment(ctx, values.config);
    const cluster = clusterFromEnvironment(env, ctx);
    try {
      if (!values['allow-remote'] && !allOnLoopback(cluster.connection.nodes)) {
        throw new UsageError(`the cluster ${cluster.shown} is not on this machine: demo data is meant for a local cluster; add --allow-remote to seed it there anyway (into namespace '${namespace}')`);
      }
      const seed = await seedDemo(cluster, { namespace, signingKey: demoSigningKey(env, ctx.err), ...(count !== undefined && { count }), ...(values.force !== undefined && { force: values.force }), progress: process.stderr.isTTY === true }, ctx.err);
      ctx.out(`${seed.seeded ? 'seeded' : 'already seeded'}: ${dataStreamName(namespace)}`);
      return EXIT.ok;
    } finally {
      await cluster.client.close();
    }
  },
};
