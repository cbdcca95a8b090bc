// Before the suite: installs the system packages the tests need when missing (as root, with apt), else names the one command to run; clears stale totals.
import { existsSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** What the tests run besides Node, Java and Maven: each package with the file that shows it is there. */
const NEEDED = [
  { pkg: 'chromium', file: '/usr/bin/chromium', why: 'browser tests of the web view' },
  { pkg: 'nginx', file: '/usr/sbin/nginx', why: 'the TLS + basic-auth front standing in for a secured cluster' },
  { pkg: 'openssl', file: '/usr/bin/openssl', why: 'certificates made at test time for the secured-cluster front' },
  { pkg: 'unzip', file: '/usr/bin/unzip', why: 'unpacking the OpenSearch distribution' },
];

for (const name of ['summary.json', 'progress.json']) rmSync(new URL(`../test-output/${name}`, import.meta.url), { force: true });

const missing = NEEDED.filter(({ file }) => !existsSync(file));
if (missing.length) {
  const packages = missing.map(({ pkg }) => pkg);
  const command = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  for (const { pkg, why } of missing) console.log(`[setup] ${pkg} is missing (needed for ${why})`);
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canApt) {
    console.error(`[setup] install it, then run the tests again:\n  sudo ${command}`);
    process.exit(1);
  }
  console.log(`[setup] installing with apt: ${packages.join(' ')}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = update.status === 0 ? spawnSync('sh', ['-c', `${command} -qq`], { stdio: 'inherit', env }) : update;
  if (install.status !== 0 || missing.some(({ file }) => !existsSync(file))) {
    console.error(`[setup] apt could not install ${packages.join(' ')}: run \`${command}\` by hand to see why.`);
    process.exit(1);
  }
}
