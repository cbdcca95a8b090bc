// `npm start`: launch or reuse OpenSearch, install the template, seed demo data once, print where things are.
import { ensureOpenSearch, LauncherError } from './opensearch/launcher.js';
import { setupAuditStorage } from '../storage/setup.js';
import { connectionFromEnvironment, createOpenSearchClient, describeConnection } from '../storage/connection.js';
import { seedDemoData } from './demo/seed.js';
import { importDashboardsFile } from '../cli/dashboards.js';
import { startWebServer } from '../web/server.js';
import { ensureDemoUsers } from '../web/demo-users.js';

async function main(): Promise<void> {
  const started = Date.now();
  const node = await ensureOpenSearch();
  const connection = connectionFromEnvironment(process.env, node.url);
  const client = createOpenSearchClient(connection);
  const setup = await setupAuditStorage(client);
  console.log(`[setup] template ${setup.template}; data stream ${setup.dataStream}`);
  const seed = await seedDemoData(client);
  console.log(seed.seeded ? `[demo] seeded ${seed.delivered}/${seed.count} events in ${(seed.ms / 1000).toFixed(1)} s` : '[demo] demo data already present (not seeded again)');
  if (process.env.OPENSEARCH_DASHBOARDS_URL) await importDashboardsFile(process.env.OPENSEARCH_DASHBOARDS_URL);
  console.log('');
  console.log(`OpenSearch:   ${describeConnection(connection)}${node.external ? ' (OPENSEARCH_URL)' : node.launched ? ' (started now)' : ' (reused)'}`);
  console.log(`Data stream:  ${setup.dataStream}`);
  console.log(`Try:          curl '${connection.nodes[0]}/${setup.dataStream}/_search?size=1&sort=@timestamp:desc&pretty'${connection.username !== undefined ? ` -u ${connection.username}` : ''}`);
  if (!node.external) console.log('Stop it with: npm run opensearch -- stop');
  // Web view (Manage > Audit): demo users are created once, their passwords printed only then.
  const web = await startWebServer({ client });
  const created = await ensureDemoUsers(web.users);
  console.log(`Web view:     ${web.url}/manage/audit`);
  for (const u of created) console.log(`  demo user ${u.username} (${u.role}) password: ${u.password}   (shown once; reset with npm run users -- reset ${u.username})`);
  console.log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Ctrl+C stops the web view (OpenSearch keeps running).`);
}

main().catch((error: unknown) => {
  const message = error instanceof LauncherError ? error.message : `start failed: ${(error as Error).message ?? String(error)}`;
  console.error(message);
  process.exit(1);
});
