// The architecture as rules on the import graph of src/: layers, no cycles, small modules.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative, resolve } from 'node:path';
import { expect } from '../helpers/chai.js';

const srcRoot = fileURLToPath(new URL('../../src/', import.meta.url));
const MAX_MODULE_LINES = 300;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Each module (path from src/) with the modules it imports (type-only imports included). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(srcRoot)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) =>
      relative(srcRoot, resolve(dirname(file), m[1]!)).replace(/\.js$/, '.ts'),
    );
    graph.set(relative(srcRoot, file), targets);
  }
  return graph;
}

const folderOf = (module: string): string => (module.includes('/') ? module.slice(0, module.indexOf('/')) : '.');

/** Which folders each folder must never import. */
const FORBIDDEN: Record<string, readonly string[]> = {
  model: ['transport', 'recorder', 'storage', 'query', 'dashboards', 'web', 'cli', 'dev'],
  integrity: ['transport', 'recorder', 'storage', 'query', 'dashboards', 'web', 'cli', 'dev'],
  storage: ['transport', 'recorder', 'query', 'dashboards', 'web', 'cli', 'dev'],
  transport: ['recorder', 'query', 'dashboards', 'web', 'cli', 'dev'],
  recorder: ['query', 'dashboards', 'web', 'cli', 'dev'],
  query: ['transport', 'recorder', 'dashboards', 'web', 'cli', 'dev'],
  dashboards: ['transport', 'recorder', 'query', 'web', 'cli', 'dev'],
  web: ['transport', 'recorder', 'dashboards', 'cli', 'dev'],
  cli: ['dev'],
};

/**
 * Exceptions to FORBIDDEN: the command line ships two development commands, `opensearch` (the local node)
 * and `demo` (demo data), so it may use those two dev folders; the rest of dev/ (npm start, generators) stays out of the package.
 */
const ALLOWED: Record<string, readonly string[]> = {
  cli: ['dev/opensearch/', 'dev/demo/'],
};

describe('architecture of src/', () => {
  const graph = importGraph();

  it('keeps each layer to the layers below it', () => {
    const breaches: string[] = [];
    for (const [module, targets] of graph) {
      const forbidden = FORBIDDEN[folderOf(module)] ?? [];
      const allowed = ALLOWED[folderOf(module)] ?? [];
      for (const target of targets) {
        if (forbidden.includes(folderOf(target)) && !allowed.some((prefix) => target.startsWith(prefix))) breaches.push(`${module} → ${target}`);
      }
    }
    expect(breaches).to.deep.equal([]);
  });

  it('keeps what the package ships free of the unshipped dev tools', () => {
    // tsconfig.build.json leaves these out of dist/: nothing shipped may import them.
    const unshipped = (m: string): boolean => m.startsWith('dev/readme/') || ['dev/start.ts', 'dev/generate.ts', 'dev/example-service/main.ts'].includes(m);
    const breaches = [...graph].flatMap(([module, targets]) => (unshipped(module) ? [] : targets.filter(unshipped).map((t) => `${module} → ${t}`)));
    expect(breaches).to.deep.equal([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (module: string, path: string[]): void => {
      if (state.get(module) === 'done') return;
      if (state.get(module) === 'open') {
        cycles.push([...path.slice(path.indexOf(module)), module].join(' → '));
        return;
      }
      state.set(module, 'open');
      for (const target of graph.get(module) ?? []) visit(target, [...path, module]);
      state.set(module, 'done');
    };
    for (const module of graph.keys()) visit(module, []);
    expect(cycles).to.deep.equal([]);
  });

  it(`has no module over ${MAX_MODULE_LINES} lines`, () => {
    const long = sourceFiles(srcRoot)
      .map((file) => ({ module: relative(srcRoot, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > MAX_MODULE_LINES);
    expect(long).to.deep.equal([]);
  });

  it('keeps history out of the code (no issue numbers)', () => {
    const mentions = sourceFiles(srcRoot).filter((file) => /\bissue #?\d+/i.test(readFileSync(file, 'utf8')));
    expect(mentions.map((file) => relative(srcRoot, file))).to.deep.equal([]);
  });
});
