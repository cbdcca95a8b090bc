// `npx tsx bench/session-write.ts`: authenticated 404s (no OpenSearch query) with the session written on every request (touchEveryMs 0) vs at most once a minute, alternating rounds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import { startWebServer } from '../src/web/server.js';
import { startHttpTimer } from './http-timer.js';
import { signIn } from './sign-in.js';
const client = new Client({ node: process.env.OPENSEARCH_URL ?? 'http://127.0.0.1:9200' });
console.log('| round | session written | p50 ms | p95 ms | load (1 min) |');
console.log('| ---: | --- | ---: | ---: | ---: |');
const timer = startHttpTimer();
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * xs.length)]!.toFixed(1);
for (let round = 1; round <= 3; round++) {
  for (const touchEveryMs of [0, 60_000]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-session-'));
    const web = await startWebServer({ client, index: 'logs-audit_trail.events-bench_web_sorted', port: 0, dataDir, sessionSecret: randomBytes(32).toString('hex'), sessionLifetime: { touchEveryMs } });
    const password = randomBytes(12).toString('hex');
    await web.users.add('bench', 'auditor', password);
    const cookie = await signIn(web.url, 'bench', password);
    const walls: number[] = [];
    for (let i = 0; i < 60; i++) { const r = await timer.get(`${web.url}/nowhere`, { cookie }); if (r.status !== 404) throw new Error(String(r.status)); if (i >= 5) walls.push(r.wall); }
    console.log(`| round ${round} | ${touchEveryMs ? 'at most once a minute' : 'every request'} | ${q(walls, 0.5)} | ${q(walls, 0.95)} | ${loadavg()[0]!.toFixed(1)} |`);
    await web.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
timer.close();
process.exit(0);
