// Installs npm dependencies when node_modules is missing or older than package-lock.json (never through a linked node_modules).
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const lock = new URL('../package-lock.json', import.meta.url);
const modules = new URL('../node_modules', import.meta.url);
const marker = new URL('../node_modules/.package-lock.json', import.meta.url);
const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
if (stale && lstatSync(modules, { throwIfNoEntry: false })?.isSymbolicLink()) {
  // npm ci would empty the linked folder (another checkout's) before replacing the link: leave it to its owner.
  const target = existsSync(modules) ? realpathSync(modules) : 'a missing folder';
  console.log(`[setup] node_modules links to ${target}, which may be older than package-lock.json: not reinstalling through the link (run npm ci there, or replace the link with npm ci here)`);
} else if (stale) {
  console.log('[setup] installing npm dependencies (npm ci)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
  if (r.status !== 0) {
    console.error('[setup] npm ci failed: check your network or run `npm ci` by hand to see the error.');
    process.exit(r.status ?? 1);
  }
}
