// `npx tsx bench/histogram.ts`: the histogram's cold `took` (request cache cleared before each) with concurrent segment search off and on, in rotating rounds over the web bench's namespace.
import { loadavg } from 'node:os';
import { Client } from '@opensearch-project/opensearch';
import { ensureOpenSearch } from '../src/dev/opensearch/launcher.js';
import { eventHistogram } from '../src/query/histogram.js';
import { parseQuery } from '../src/query/syntax.js';
import { CONCURRENT_SEARCH } from '../src/storage/search-settings.js';
import { dataStreamName } from '../src/storage/template.js';

const NAMESPACE = process.env.BENCH_NAMESPACE ?? 'bench_web_sorted';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 7);
const NOW = new Date(Date.UTC(2026, 10, 24, 12));
/** Filters with large match sets (the cold pages over 50 ms in `bench:web`), and none. */
const QUERIES = ['', 'outcome:success', 'action:login action:connect action:open user:alice user:bob from:2026-10-26', '-action:login NOT user:alice', 'user:*@example.com'];
const MODES = ['none', CONCURRENT_SEARCH.mode] as const;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const client = new Client({ node: (await ensureOpenSearch()).url });
  const index = dataStreamName(NAMESPACE);
  const took = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    const modes = round % 2 ? [...MODES].reverse() : MODES;
    for (const mode of modes) {
      await client.indices.putSettings({ index, body: { [CONCURRENT_SEARCH.setting]: mode } } as never);
      for (const q of QUERIES) {
        for (let i = 0; i < REPEAT; i++) {
          await client.indices.clearCache({ index, request: true } as never);
          const histogram = await eventHistogram(client, { filter: parseQuery(q, { now: NOW }), now: NOW, index });
          const key = `${q}\u0000${mode}`;
          took.set(key, [...(took.get(key) ?? []), histogram?.took ?? NaN]);
        }
      }
    }
    console.log(`[bench] round ${round + 1} of ${ROUNDS} done, load average ${loadavg()[0]!.toFixed(1)}`);
  }
  // Leave the index as `audit-trail setup` sets it.
  await client.indices.putSettings({ index, body: { [CONCURRENT_SEARCH.setting]: CONCURRENT_SEARCH.mode } } as never);
  console.log(`\nCold histogram took (ms, OpenSearch's own), median of ${ROUNDS * REPEAT} per cell, ${NAMESPACE}:`);
  console.log(`| filter | ${MODES.map((m) => `mode ${m}`).join(' | ')} | ${MODES[1]} ÷ ${MODES[0]} |`);
  console.log('| --- | ---: | ---: | ---: |');
  for (const q of QUERIES) {
    const [off, on] = MODES.map((mode) => median(took.get(`${q}\u0000${mode}`)!)) as [number, number];
    console.log(`| ${q ? `\`${q}\`` : 'no filter'} | ${off} | ${on} | ${(on / off).toFixed(2)} |`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
