// Installs npm dependencies when node_modules is missing or older than package-lock.json.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const lock = new URL('../package-lock.json', import.meta.url);
const marker = new URL('../node_modules/.package-lock.json', import.meta.url);
const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
if (stale) {
  console.log('[setup] installing npm dependencies (npm ci)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
  if (r.status !== 0) {
    console.error('[setup] npm ci failed: check your network or run `npm ci` by hand to see the error.');
    process.exit(r.status ?? 1);
  }
}
