// `npm run generate`: writes every file generated from the vocabulary (template, README tables), or checks them.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildIndexTemplate } from '../storage/template.js';
import { renderReadme } from './readme/readme-tables.js';
import { DASHBOARDS_FILE, toNdjson } from '../dashboards/ndjson.js';
import { renderExamples } from './readme/readme-examples.js';

const root = new URL('../../', import.meta.url);

/** Each generated file: its path from the project root and its fresh content. */
export async function generatedFiles(): Promise<{ path: string; content: string }[]> {
  const readme = await readFile(new URL('README.md', root), 'utf8');
  return [
    { path: 'templates/audit-trail.index-template.json', content: JSON.stringify(buildIndexTemplate(), null, 2) + '\n' },
    { path: 'README.md', content: renderExamples(renderReadme(readme), root) },
    { path: DASHBOARDS_FILE, content: toNdjson() },
  ];
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const file of await generatedFiles()) {
    const url = new URL(file.path, root);
    const current = await readFile(url, 'utf8').catch(() => '');
    if (current === file.content) continue;
    if (check) {
      stale++;
      console.error(`stale: ${file.path} (run npm run generate)`);
    } else {
      await mkdir(new URL('.', url), { recursive: true });
      await writeFile(url, file.content);
      console.log(`wrote ${file.path}`);
    }
  }
  if (stale) process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
