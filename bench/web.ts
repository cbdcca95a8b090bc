// `npm run bench:web`: seeds BENCH_EVENTS (default 1,000,000) events with bulk, then times page 1 / page 1,000 per filter (list + histogram)
// and the export beside a raw point-in-time scan in the same run (BENCH_EXPORT=0 skips the export, BENCH_PAGES=0 the pages).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import { ensureOpenSearch } from '../src/dev/opensearch/launcher.js';
import { setupAuditStorage } from '../src/storage/setup.js';
import { dataStreamName } from '../src/storage/template.js';
import { generateDemoEvents } from '../src/dev/demo/generate.js';
import { validateEvent } from '../src/model/event.js';
import { toEcsDocument } from '../src/model/ecs-document.js';
import { listEvents, encodeCursor, type AuditFilter } from '../src/query/list.js';
import { parsePageParams } from '../src/web/filter-params.js';
import { startWebServer } from '../src/web/server.js';
import { benchApi } from './api.js';
import { benchExport } from './export.js';
import { startHttpTimer } from './http-timer.js';
import { signIn } from './sign-in.js';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const NAMESPACE = process.env.BENCH_NAMESPACE ?? 'bench_web';
/** Requests per warm cell: at 20 a p95 is the slowest request; at 100 it is the 95th of 100, the slowest 5 left out. */
const REPEAT = Number(process.env.BENCH_REPEAT ?? 100);
/** Requests per cold cell (request cache cleared before each): a slow filter costs seconds each. */
const COLD_REPEAT = Number(process.env.BENCH_COLD_REPEAT ?? 5);
const PAGE = 50;
const DEEP_PAGE = 1000;
const NOW = new Date(Date.UTC(2026, 10, 24, 12));

const SCENARIOS: [string, string][] = [
  ['no filter', ''],
  ['action', 'action=login'],
  ['resource type', 'resource_type=workspace'],
  ['outcome', 'outcome=success'],
  ['target', 'target=alice-dev'],
  ['user', 'user=alice'],
  ['time range (from/to)', 'from=2026-11-01&to=2026-11-20'],
  ['preset 7 days', 'range=7d'],
  ['query box', `q=${encodeURIComponent('action:login action:connect action:open user:alice user:bob from:2026-10-26')}`],
  ['free text', `q=${encodeURIComponent('alice workspace')}`],
  ['free text, rare', `q=${encodeURIComponent('"gpu-pool"')}`],
  ['relative from:now-7d', `q=${encodeURIComponent('from:now-7d')}`],
  ['NOT', `q=${encodeURIComponent('-action:login NOT user:alice')}`],
  ['wildcard target *-dev', `q=${encodeURIComponent('target:*-dev')}`],
  ['wildcard user *@example.com', `q=${encodeURIComponent('user:*@example.com')}`],
  ['IP CIDR', `q=${encodeURIComponent('ip:198.51.100.0/28')}`],
  ['user agent', `q=${encodeURIComponent('user_agent:macintosh')}`],
];

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const ms = (x: number): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(1));

async function seed(client: Client): Promise<void> {
  const index = dataStreamName(NAMESPACE);
  await client.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true } as never).catch(() => undefined);
  const have = await client.count({ index, ignore_unavailable: true, allow_no_indices: true } as never).then((r) => (r.body as { count: number }).count).catch(() => 0);
  if (have >= TOTAL) {
    // Set up as `audit-trail setup` would today (settings of this version on the existing indices).
    await setupAuditStorage(client, { namespace: NAMESPACE, createDataStream: false });
    console.log(`[bench] ${have.toLocaleString('en')} events already in ${index}: not seeding again`);
    return;
  }
  const chunk = 5000;
  // An interrupted seeding resumes where it stopped (the chunks are the same every time; a repeated event is a 409, skipped).
  const resumeAt = Math.floor(have / chunk);
  if (!resumeAt) {
    await client.indices.deleteDataStream({ name: index }).catch(() => undefined);
    await setupAuditStorage(client, { namespace: NAMESPACE });
  }
  await client.indices.putSettings({ index, body: { index: { refresh_interval: '-1', number_of_replicas: 0 } } } as never);
  const started = Date.now();
  let done = resumeAt * chunk;
  let inFlight: Promise<void>[] = [];
  for (let k = resumeAt; done + inFlight.length * chunk < TOTAL; k++) {
    const count = Math.min(chunk, TOTAL - done - inFlight.length * chunk);
    const docs = generateDemoEvents({ count, now: NOW, seed: 1000 + k }).flatMap((input) => {
      const doc = toEcsDocument(validateEvent(input), { producer: 'bench-web' });
      return [{ create: { _index: index, _id: doc.event.id } }, doc];
    });
    inFlight.push(
      client.bulk({ body: docs } as never).then((res) => {
        // A request the client retried after a timeout finds its events there already (409): only other errors count.
        const failed = (res.body as { items: { create: { status: number } }[] }).items.filter((item) => item.create.status >= 300 && item.create.status !== 409);
        if (failed.length) throw new Error(`bulk errors: ${JSON.stringify(failed).slice(0, 300)}`);
        done += count;
        const rate = (done - resumeAt * chunk) / ((Date.now() - started) / 1000);
        process.stdout.write(`\r[bench] seeded ${done.toLocaleString('en')}/${TOTAL.toLocaleString('en')} (${Math.round(rate).toLocaleString('en')} events/s)   `);
      }),
    );
    if (inFlight.length >= 2) {
      await inFlight[0];
      inFlight = inFlight.slice(1);
    }
  }
  await Promise.all(inFlight);
  await client.indices.putSettings({ index, body: { index: { refresh_interval: null } } } as never);
  await client.indices.refresh({ index });
  console.log(`\n[bench] seeded ${TOTAL.toLocaleString('en')} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Cursor at the end of page `page - 1`, found through the query module in big steps. */
async function cursorBefore(client: Client, index: string, filter: AuditFilter, page: number): Promise<string | undefined> {
  let remaining = (page - 1) * PAGE;
  let after: readonly [number, string] | undefined;
  while (remaining > 0) {
    const size = Math.min(1000, remaining);
    const res = await listEvents(client, { index, filter, size, ...(after ? { after } : {}) });
    if (res.rows.length < size) return undefined;
    const last = res.rows[res.rows.length - 1]!;
    after = [last.time.getTime(), last.id];
    remaining -= size;
  }
  return after ? encodeCursor(after) : undefined;
}

async function main(): Promise<void> {
  const node = await ensureOpenSearch();
  const client = new Client({ node: node.url });
  const index = dataStreamName(NAMESPACE);
  await seed(client);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-web-'));
  const web = await startWebServer({ client, index, port: 0, dataDir, sessionSecret: randomBytes(32).toString('hex'), now: () => NOW });
  const password = randomBytes(12).toString('hex');
  await web.users.add('bench', 'auditor', password);
  const cookie = await signIn(web.url, 'bench', password);

  console.log(`\n[bench] ${TOTAL.toLocaleString('en')} events in ${index}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}, ${REPEAT} requests per cell (${COLD_REPEAT} cold), ${PAGE} rows a page; times in ms. handler = the page handler's OpenSearch time (list and histogram in parallel, from Server-Timing); wall = the whole HTTP request seen by a client in another process (render included); cold = wall with OpenSearch's request cache cleared before each request (the histogram is otherwise served from it on repeats).`);
  console.log('| filter | matches | page 1 handler p50/p95 | page 1 wall p95 | page 1 cold p95 | page 1 cold took list / histogram p95 | page 1,000 handler p50/p95 | page 1,000 wall p95 | page 1,000 cold p95 | page 1,000 cold took list / histogram p95 | worst p95 / 50 ms | load (1 min) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const timer = startHttpTimer();
  // A server that has run a while: its code compiled by the JIT before the first cell is timed.
  for (let i = 0; i < 50; i++) await timer.get(`${web.url}/manage/audit${i % 2 ? '?action=create' : ''}`, { cookie });
  const clearCache = (): Promise<unknown> => client.indices.clearCache({ index, request: true } as never);
  for (const [name, search] of process.env.BENCH_PAGES === '0' ? [] : SCENARIOS) {
    const parsed = parsePageParams(Object.fromEntries(new URLSearchParams(search)), { now: NOW, defaultSize: PAGE });
    if (parsed.errors.length) throw new Error(`${name}: ${parsed.errors.join(' ')}`);
    const deep = await cursorBefore(client, index, parsed.filter, DEEP_PAGE);
    const measure = async (path: string, cold: boolean): Promise<{ server: number[]; wall: number[]; listTook: number[]; histogramTook: number[]; total: string }> => {
      const server: number[] = [];
      const wall: number[] = [];
      const listTook: number[] = [];
      const histogramTook: number[] = [];
      let total = '';
      await timer.get(web.url + path, { cookie }); // warm-up
      for (let i = 0; i < (cold ? COLD_REPEAT : REPEAT); i++) {
        if (cold) await clearCache();
        const res = await timer.get(web.url + path, { cookie });
        wall.push(res.wall);
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        const timing = res.serverTiming;
        server.push(Number(/query;dur=([\d.]+)/.exec(timing)?.[1]));
        listTook.push(Number(/opensearch;dur=([\d.]+)/.exec(timing)?.[1]));
        histogramTook.push(Number(/histogram;dur=([\d.]+)/.exec(timing)?.[1] ?? 0));
        total = res.total;
      }
      return { server, wall, listTook, histogramTook, total };
    };
    const firstPath = `/manage/audit?${search}`;
    const deepPath = deep ? `/manage/audit?${search}${search ? '&' : ''}after=${deep}` : undefined;
    const first = await measure(firstPath, false);
    const firstCold = await measure(firstPath, true);
    const second = deepPath ? await measure(deepPath, false) : undefined;
    const secondCold = deepPath ? await measure(deepPath, true) : undefined;
    const p95 = (xs: number[] | undefined): string => (xs ? ms(quantile(xs, 0.95)) : 'n/a');
    const worst = Math.max(...[first.wall, firstCold.wall, second?.wall, secondCold?.wall].filter((x): x is number[] => !!x).map((xs) => quantile(xs, 0.95)));
    console.log(
      `| ${name} | ${first.total} | ${ms(quantile(first.server, 0.5))} / ${p95(first.server)} | ${p95(first.wall)} | ${p95(firstCold.wall)} | ${p95(firstCold.listTook)} / ${p95(firstCold.histogramTook)} | ${second ? `${ms(quantile(second.server, 0.5))} / ${p95(second.server)}` : 'n/a (fewer than 1,000 pages)'} | ${p95(second?.wall)} | ${p95(secondCold?.wall)} | ${secondCold ? `${p95(secondCold.listTook)} / ${p95(secondCold.histogramTook)}` : 'n/a'} | ${(worst / 50).toFixed(2)} | ${loadavg()[0]!.toFixed(1)} |`,
    );
  }

  if (process.env.BENCH_API !== '0') await benchApi(web, dataDir, TOTAL, timer);

  if (process.env.BENCH_EXPORT !== '0') await benchExport(client, index, timer, web.url, { cookie });
  timer.close();
  console.log('\n(RSS is of the web server\'s process; the pages and downloads are read by another.)');
  await web.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (process.env.BENCH_DROP === '1') await client.indices.deleteDataStream({ name: index }).catch(() => undefined);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
