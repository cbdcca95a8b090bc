// The README's Layout table against the tree: every folder of src/ is described, every path it names exists.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { expect } from '../helpers/chai.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function layoutPaths(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Layout'), readme.indexOf('\n## ', readme.indexOf('## Layout') + 1) >>> 0 || undefined);
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!.replace(/\/$/, ''));
}

describe('README Layout table', () => {
  it('names every folder under src/ and only paths that exist', () => {
    const named = layoutPaths();
    const folders = readdirSync(join(root, 'src')).filter((name) => statSync(join(root, 'src', name)).isDirectory()).map((name) => `src/${name}`);
    expect(folders.filter((folder) => !named.includes(folder)), 'folders missing from the table').to.deep.equal([]);
    expect(named.filter((path) => !existsSync(join(root, path))), 'paths in the table that do not exist').to.deep.equal([]);
  });

  it('leaves nothing at the root of src/ but the public entry point', () => {
    const files = readdirSync(join(root, 'src')).filter((name) => statSync(join(root, 'src', name)).isFile());
    expect(files).to.deep.equal(['index.ts']);
  });
});
