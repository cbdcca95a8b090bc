// `npm run build:dashboards` writes dashboards/audit-trail.ndjson; `npm run dashboards:import` posts it to Dashboards.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS_FILE, toNdjson } from '../dashboards/ndjson.js';
import { importSavedObjects } from '../dashboards/import.js';

const root = new URL('../../', import.meta.url);

/** Writes the generated file and returns its path. */
export async function buildDashboardsFile(): Promise<string> {
  const url = new URL(DASHBOARDS_FILE, root);
  await mkdir(new URL('.', url), { recursive: true });
  await writeFile(url, toNdjson());
  return DASHBOARDS_FILE;
}

/** Imports the committed file into the Dashboards at `url`; prints what happened. */
export async function importDashboardsFile(url: string, log: (line: string) => void = console.log): Promise<void> {
  const ndjson = await readFile(new URL(DASHBOARDS_FILE, root), 'utf8');
  const shown = url.replace(/\/\/[^@/]*@/, '//');
  log(`[dashboards] importing ${DASHBOARDS_FILE} into ${shown}…`);
  const result = await importSavedObjects({ url, ndjson });
  log(`[dashboards] imported ${result.successCount} saved objects (existing ones overwritten); open ${shown}/app/dashboards`);
}

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command === 'build') {
    console.log(`wrote ${await buildDashboardsFile()}`);
  } else if (command === 'import') {
    const url = process.argv[3] ?? process.env.OPENSEARCH_DASHBOARDS_URL;
    if (!url) throw new Error('set OPENSEARCH_DASHBOARDS_URL (e.g. http://localhost:5601) or pass the URL: npm run dashboards:import -- http://localhost:5601');
    await importDashboardsFile(url);
  } else {
    throw new Error('usage: tsx src/cli/dashboards.ts build | import [url]');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
