// `npm start`: the local demo, built from the CLI's commands: launch or reuse OpenSearch, setup, demo data into 'demo', demo users, serve.
import { ensureOpenSearch, LauncherError } from './opensearch/launcher.js';
import { DEMO_NAMESPACE } from './demo/seed.js';
import { processContext } from '../cli/command.js';
import { clusterFromEnvironment, effectiveEnvironment } from '../cli/config.js';
import { setupCluster } from '../cli/setup.js';
import { demoSigningKey, seedDemo } from '../cli/demo.js';
import { allOnLoopback } from '../cli/loopback.js';
import { closeOnSignal, serveWeb } from '../cli/serve.js';
import { importDashboardsFile } from '../cli/dashboards.js';
import { describeFailure } from '../cli/failure.js';
import { defaultDataDir, openWebDatabase } from '../web/auth/data.js';
import { UserStore } from '../web/auth/users.js';
import { ensureDemoUsers } from '../web/demo-users.js';
import { webSettingsFromEnvironment } from '../web/settings.js';

const ctx = processContext();

async function main(): Promise<number> {
  const started = Date.now();
  const log = (line: string): void => ctx.out(line);
  const env = effectiveEnvironment(ctx);
  const node = await ensureOpenSearch();
  const cluster = clusterFromEnvironment(env, ctx, node.url);
  try {
    await setupCluster(cluster, 'default', log);
    // Demo data only ever goes into its own namespace, and only on a cluster on this machine.
    if (allOnLoopback(cluster.connection.nodes)) await seedDemo(cluster, { namespace: DEMO_NAMESPACE, signingKey: demoSigningKey(env, log), progress: true }, log);
    else log(`[demo] not seeding demo data into ${cluster.shown}, which is not on this machine ('npm run cli -- demo --allow-remote' would, into namespace '${DEMO_NAMESPACE}')`);
    if (env.OPENSEARCH_DASHBOARDS_URL) await importDashboardsFile(env.OPENSEARCH_DASHBOARDS_URL, log);
    // Web view (Manage > Audit) over every namespace: demo users are created once, their passwords printed only then.
    const settings = webSettingsFromEnvironment(env);
    const dataDir = settings.dataDir ?? defaultDataDir();
    const users = new UserStore(openWebDatabase(dataDir));
    const created = await ensureDemoUsers(users).finally(() => users.close());
    const web = await serveWeb({ cluster, settings, dataDir, log, env });
    log('');
    log(`OpenSearch:   ${cluster.shown}${node.external ? ' (OPENSEARCH_URL)' : node.launched ? ' (started now)' : ' (reused)'}`);
    log(`Demo data:    namespace '${DEMO_NAMESPACE}' (logs-audit_trail.events-${DEMO_NAMESPACE}); your own events go to 'default'`);
    if (!node.external) log(`Try:          curl '${node.url}/logs-audit_trail.events-${DEMO_NAMESPACE}/_search?size=1&sort=@timestamp:desc&pretty'`);
    if (!node.external) log('Stop it with: npm run opensearch -- stop');
    log(`Web view:     ${web.url}/manage/audit`);
    for (const u of created) log(`  demo user ${u.username} (${u.role}) password: ${u.password}   (shown once; reset with npm run users -- reset ${u.username})`);
    log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Ctrl+C stops the web view (OpenSearch keeps running).`);
    return await closeOnSignal(web, cluster, log);
  } catch (error) {
    await cluster.client.close();
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof LauncherError ? error.message : `start failed: ${describeFailure(error, 'start').message}`;
    ctx.err(message);
    process.exit(1);
  },
);
