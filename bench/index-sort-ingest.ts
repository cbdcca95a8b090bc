// `npx tsx bench/index-sort-ingest.ts`: what sorting the events by time costs at ingest — the same bulks into an index with the template's sort and one without, interleaved so the machine's load falls on both alike.
import { loadavg } from 'node:os';
import { Client } from '@opensearch-project/opensearch';
import { ensureOpenSearch } from '../src/dev/opensearch/launcher.js';
import { buildIndexTemplate } from '../src/storage/template.js';
import { generateDemoEvents } from '../src/dev/demo/generate.js';
import { validateEvent } from '../src/model/event.js';
import { toEcsDocument } from '../src/model/ecs-document.js';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 200_000);
const CHUNK = 5000;
const NOW = new Date(Date.UTC(2026, 10, 24, 12));

async function main(): Promise<void> {
  const client = new Client({ node: (await ensureOpenSearch()).url });
  const { settings, mappings } = buildIndexTemplate().template;
  const unsortedSettings = Object.fromEntries(Object.entries(settings).filter(([key]) => !key.startsWith('index.sort.')));
  const indices = { sorted: { name: 'bench-index-sort-ingest-sorted', settings }, unsorted: { name: 'bench-index-sort-ingest-unsorted', settings: unsortedSettings } };
  const seconds = { sorted: 0, unsorted: 0 };
  for (const { name, settings: body } of Object.values(indices)) {
    await client.indices.delete({ index: name }).catch(() => undefined);
    await client.indices.create({ index: name, body: { settings: { ...body, 'index.refresh_interval': '-1', 'index.number_of_replicas': 0 }, mappings } as never });
  }
  const loadBefore = loadavg()[0]!;
  for (let k = 0; k * CHUNK < TOTAL; k++) {
    const docs = generateDemoEvents({ count: Math.min(CHUNK, TOTAL - k * CHUNK), now: NOW, seed: 1000 + k }).map((input) => toEcsDocument(validateEvent(input), { producer: 'bench-sort' }));
    // Alternate which index goes first, so neither always meets a busier moment.
    const order = k % 2 ? (['sorted', 'unsorted'] as const) : (['unsorted', 'sorted'] as const);
    for (const which of order) {
      const body = docs.flatMap((doc) => [{ create: { _index: indices[which].name, _id: doc.event.id } }, doc]);
      const started = performance.now();
      const res = await client.bulk({ body } as never);
      seconds[which] += (performance.now() - started) / 1000;
      if ((res.body as { errors: boolean }).errors) throw new Error(`bulk errors in ${which}`);
    }
    process.stdout.write(`\r[bench] ${Math.min(TOTAL, (k + 1) * CHUNK).toLocaleString('en')}/${TOTAL.toLocaleString('en')}   `);
  }
  // Refresh and merge time belong to ingest too (sorting is paid at flush and merge).
  for (const which of ['unsorted', 'sorted'] as const) {
    const started = performance.now();
    await client.indices.refresh({ index: indices[which].name });
    await client.indices.forcemerge({ index: indices[which].name, max_num_segments: 1 } as never);
    seconds[which] += (performance.now() - started) / 1000;
  }
  const sizes = (await client.cat.indices({ index: 'bench-index-sort-ingest-*', format: 'json', bytes: 'b' } as never)).body as { index: string; 'store.size': string }[];
  const size = (name: string): string => (Number(sizes.find((s) => s.index === name)?.['store.size'] ?? NaN) / 1048576).toFixed(0);
  console.log(`\n\n[bench] ${TOTAL.toLocaleString('en')} events, bulks of ${CHUNK.toLocaleString('en')} interleaved, then refresh and force-merge to one segment; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`);
  console.log('| index | seconds (bulks + refresh + merge) | events/s | × unsorted | MB after merge |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const which of ['unsorted', 'sorted'] as const) {
    console.log(`| ${which} | ${seconds[which].toFixed(1)} | ${Math.round(TOTAL / seconds[which]).toLocaleString('en')} | ${(seconds.unsorted / seconds[which]).toFixed(2)} | ${size(indices[which].name)} |`);
  }
  for (const { name } of Object.values(indices)) await client.indices.delete({ index: name });
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
