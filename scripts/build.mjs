// Builds the package: compiles src/ to dist/ (JavaScript + declarations) and copies the web view's templates and static files next to it.
import { cpSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}/dist`, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-p', `${root}/tsconfig.build.json`], { stdio: ['ignore', process.stderr, process.stderr] });
if (tsc.status !== 0) {
  console.error('[build] tsc failed: fix the type errors above (npm run typecheck shows them too)');
  process.exit(tsc.status ?? 1);
}
for (const folder of ['views', 'public']) cpSync(`${root}/src/web/${folder}`, `${root}/dist/web/${folder}`, { recursive: true });
console.error('[build] wrote dist/'); // stderr: npm pack --json prints its JSON on stdout
