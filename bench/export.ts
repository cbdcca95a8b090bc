// The export's part of `npm run bench:web`: each format downloaded through HTTP by another process beside a raw point-in-time scan of the same events on the same node, in rounds whose order rotates (the machine's load drifts within a run).
import type { Client } from '@opensearch-project/opensearch';
import { loadavg } from 'node:os';
import { buildFilterQuery } from '../src/query/filter-query.js';
import { parseQuery } from '../src/query/syntax.js';
import type { HttpTimer } from './http-timer.js';

/** Query-box filter of the events exported (default: every event), and how many rounds. */
const QUERY = process.env.BENCH_EXPORT_QUERY ?? '';
const ROUNDS = Number(process.env.BENCH_EXPORT_ROUNDS ?? 1);
const NOW = new Date(Date.UTC(2026, 10, 24, 12));

/** Rows per second of a raw point-in-time + search_after scan sorted by time, reading every hit's source (the ceiling). */
async function rawScan(client: Client, index: string): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  const query = buildFilterQuery(parseQuery(QUERY, { now: NOW }));
  const pit = await client.createPit({ index: [index], keep_alive: '1m' });
  let pitId = pit.body.pit_id;
  let rows = 0;
  let after: unknown[] | undefined;
  for (;;) {
    const body: Record<string, unknown> = { query, size: 5000, sort: [{ '@timestamp': 'desc' }, { 'event.id': 'desc' }], track_total_hits: false, pit: { id: pitId, keep_alive: '1m' } };
    if (after) body.search_after = after;
    const res = await client.search({ body: body as never, filter_path: ['pit_id', 'hits.hits._source', 'hits.hits.sort'] } as never);
    const out = res.body as { pit_id?: string; hits?: { hits?: { sort?: unknown[] }[] } };
    const hits = out.hits?.hits ?? [];
    if (out.pit_id) pitId = out.pit_id;
    rows += hits.length;
    if (hits.length < 5000) break;
    after = hits[hits.length - 1]!.sort;
  }
  await client.deletePit({ body: { pit_id: [pitId] } } as never);
  return { rows, seconds: (performance.now() - started) / 1000 };
}

interface Result {
  name: string;
  rows: number;
  seconds: number;
  bytes?: number;
  rss?: string;
}

const mb = (n: number): string => (n / 1048576).toFixed(0);

/** One export through HTTP, read to the end by the timing process (as a browser would, apart from the server's thread); RSS is the server's. */
async function exportOnce(format: 'ndjson' | 'csv', timer: HttpTimer, url: string, headers: Record<string, string>): Promise<Result> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const res = await timer.download(`${url}/manage/audit/export.${format}${QUERY ? `?q=${encodeURIComponent(QUERY)}` : ''}`, headers);
  clearInterval(sampler);
  if (res.status !== 200) throw new Error(`export.${format} answered ${res.status}`);
  // CSV: a header line and 3 trailer lines; NDJSON: 1 trailer line.
  const rows = format === 'csv' ? res.lines - 4 : res.lines - 1;
  return { name: `export ${format}`, rows, seconds: res.wall / 1000, bytes: res.bytes, rss: `${mb(before)} / ${mb(peak)} / ${mb(process.memoryUsage().rss)}` };
}

/** Prints each round's raw scan and exports, each export's rate as a ratio to the raw scan of its own round. */
export async function benchExport(client: Client, index: string, timer: HttpTimer, url: string, headers: Record<string, string>): Promise<void> {
  const steps: (() => Promise<Result>)[] = [
    async () => ({ name: 'raw PIT scan', ...(await rawScan(client, index)) }),
    () => exportOnce('ndjson', timer, url, headers),
    () => exportOnce('csv', timer, url, headers),
  ];
  console.log(`\n[bench] export of ${QUERY ? `\`${QUERY}\`` : 'every event'}, ${ROUNDS} round(s), the order rotating each round`);
  console.log('| round | step | rows | seconds | rows/s | × raw scan of the round | MB | RSS before / peak / after (MB) | load (1 min) |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...steps.slice(round % steps.length), ...steps.slice(0, round % steps.length)];
    const results: (Result & { load: number })[] = [];
    for (const step of order) results.push({ ...(await step()), load: loadavg()[0]! });
    const raw = results.find((r) => r.name === 'raw PIT scan')!;
    for (const r of results) {
      const rate = r.rows / r.seconds;
      console.log(`| ${round + 1} | ${r.name} | ${r.rows.toLocaleString('en')} | ${r.seconds.toFixed(1)} | ${Math.round(rate).toLocaleString('en')} | ${(rate / (raw.rows / raw.seconds)).toFixed(2)} | ${r.bytes ? mb(r.bytes) : ''} | ${r.rss ?? ''} | ${r.load.toFixed(1)} |`);
    }
  }
}
