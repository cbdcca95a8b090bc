// The API's part of `npm run bench:web`: GET /api/v1/events page 1 and a deep cursor per filter, and page loads with and without open live tails. Also runs alone: `tsx bench/api.ts` (over an already seeded BENCH_NAMESPACE).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Client } from '@opensearch-project/opensearch';
import { ensureOpenSearch } from '../src/dev/opensearch/launcher.js';
import { dataStreamName } from '../src/storage/template.js';
import { openWebDatabase } from '../src/web/auth/data.js';
import { TokenStore } from '../src/web/api/token-store.js';
import { startWebServer, type WebServer } from '../src/web/server.js';
import { startHttpTimer, type HttpTimer } from './http-timer.js';
import { signIn } from './sign-in.js';

const REPEAT = Number(process.env.BENCH_REPEAT ?? 20);
const PAGE = 50;
/** The deep cursor comes after this many events (page 1,001 of 50). */
const DEEP = 50_000;
const TAILS = 5;

const SCENARIOS: [string, string][] = [
  ['no filter', ''],
  ['action', 'action=login'],
  ['user', 'user=alice'],
  ['time range (from/to)', 'from=2026-11-01&to=2026-11-20'],
  ['query box', `q=${encodeURIComponent('action:login action:connect action:open user:alice user:bob from:2026-10-26')}`],
];

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const ms = (x: number): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(1));

/** Wall time of `count` sequential GETs (after one warm-up), in ms, and OpenSearch's own `took` (Server-Timing) when given. */
async function time(timer: HttpTimer, url: string, headers: Record<string, string>, count = REPEAT): Promise<number[] & { took: number[] }> {
  const times = Object.assign([] as number[], { took: [] as number[] });
  for (let i = 0; i <= count; i++) {
    const res = await timer.get(url, headers);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    if (i === 0) continue;
    times.push(res.wall);
    const took = /opensearch;dur=([\d.]+)/.exec(res.serverTiming)?.[1];
    if (took) times.took.push(Number(took));
  }
  return times;
}

/** The API's `next` cursor after the first `skip` events, walked through the API itself in pages of 1000. */
async function deepCursor(web: WebServer, headers: Record<string, string>, search: string, skip: number): Promise<string | undefined> {
  let path = `/api/v1/events?${search}${search ? '&' : ''}size=1000`;
  let cursor: string | undefined;
  for (let seen = 0; seen < skip; seen += 1000) {
    const body = (await (await fetch(web.url + path, { headers })).json()) as { next: string | null; links: { next: string | null } };
    if (!body.next || !body.links.next) return undefined;
    cursor = body.next;
    path = body.links.next;
  }
  return cursor;
}

/** Prints the API table and the live-tail cost; `dataDir` is the web server's (the token goes into its database). */
export async function benchApi(web: WebServer, dataDir: string, total: number, timer: HttpTimer): Promise<void> {
  const db = openWebDatabase(dataDir);
  const { secret } = new TokenStore(db).create(`bench-${randomBytes(3).toString('hex')}`, 'auditor', '1d');
  db.close();
  const auth = { authorization: `Bearer ${secret}` };
  console.log(`\n[bench] GET /api/v1/events: ${total.toLocaleString('en')} events, ${REPEAT} requests per cell, ${PAGE} events a page; wall time at a client in another process in ms (HTTP + JSON)`);
  console.log(`| filter | matches | page 1 p50/p95 | page 1 took p50/p95 | deep cursor (after ${DEEP.toLocaleString('en')} events) p50/p95 | deep took p50/p95 | load (1 min) |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, search] of SCENARIOS) {
    const first = await fetch(`${web.url}/api/v1/events?${search}`, { headers: auth }).then((r) => r.json() as Promise<{ total: { value: number; relation: string } }>);
    const page1 = await time(timer, `${web.url}/api/v1/events?${search}${search ? '&' : ''}size=${PAGE}`, auth);
    const deep = await deepCursor(web, auth, search, DEEP);
    const deepTimes = deep ? await time(timer, `${web.url}/api/v1/events?${search}${search ? '&' : ''}size=${PAGE}&after=${deep}`, auth) : undefined;
    const matches = `${first.total.value.toLocaleString('en')}${first.total.relation === 'gte' ? '+' : ''}`;
    const cell = (xs: number[] | undefined): string => (xs ? `${ms(quantile(xs, 0.5))} / ${ms(quantile(xs, 0.95))}` : 'n/a (fewer matches)');
    console.log(`| ${name} | ${matches} | ${cell(page1)} | ${cell(page1.took)} | ${cell(deepTimes)} | ${cell(deepTimes?.took)} | ${loadavg()[0]!.toFixed(1)} |`);
  }

  // Live tail: page loads of Manage > Audit with none, then TAILS, open tails (each polling at its default interval).
  const password = randomBytes(12).toString('hex');
  const username = `tail-${randomBytes(3).toString('hex')}`;
  await web.users.add(username, 'auditor', password);
  const cookie = await signIn(web.url, username, password);
  const pageLoads = (): Promise<number[]> => time(timer, `${web.url}/manage/audit`, { cookie }, REPEAT * 2);
  const openTails = async (): Promise<AbortController> => {
    const tails = new AbortController();
    for (let i = 0; i < TAILS; i++) {
      void fetch(`${web.url}/manage/audit/live?since=${Date.now()}_0`, { headers: { cookie, accept: 'text/event-stream' }, signal: tails.signal })
        .then(async (res) => {
          for await (const _ of res.body as unknown as AsyncIterable<Uint8Array>) void _;
        })
        .catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 2500));
    return tails;
  };
  // Alternating rounds (none, tails, none, tails): the machine's load drifts, so one pair says little.
  console.log(`\n| Manage > Audit page 1 (wall ms, ${REPEAT * 2} loads a round) | p50 | p95 | load (1 min) after |`);
  console.log('| --- | ---: | ---: | ---: |');
  for (let round = 1; round <= 2; round++) {
    const without = await pageLoads();
    console.log(`| round ${round}: no live tail open | ${ms(quantile(without, 0.5))} | ${ms(quantile(without, 0.95))} | ${loadavg()[0]!.toFixed(1)} |`);
    const tails = await openTails();
    const withTails = await pageLoads();
    tails.abort();
    console.log(`| round ${round}: ${TAILS} live tails open | ${ms(quantile(withTails, 0.5))} | ${ms(quantile(withTails, 0.95))} | ${loadavg()[0]!.toFixed(1)} |`);
  }
}

/** Alone: over the events already in BENCH_NAMESPACE (run `npm run bench:web` once to seed them). */
async function main(): Promise<void> {
  const node = await ensureOpenSearch();
  const client = new Client({ node: node.url });
  const index = dataStreamName(process.env.BENCH_NAMESPACE ?? 'bench_web');
  const total = (await client.count({ index } as never)).body.count as number;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  const web = await startWebServer({ client, index, port: 0, dataDir, sessionSecret: randomBytes(32).toString('hex'), now: () => new Date(Date.UTC(2026, 10, 24, 12)) });
  try {
    const timer = startHttpTimer();
    await benchApi(web, dataDir, total, timer).finally(() => timer.close());
  } finally {
    await web.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  });
}
