// Benchmark: an Express route bare, with auditTrail() and a no-op sink, and with auditTrail() writing to OpenSearch. Run: npx tsx bench/middleware.ts
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { Client } from '@opensearch-project/opensearch';
import { ensureOpenSearch } from '../src/dev/opensearch/launcher.js';
import { setupAuditStorage } from '../src/storage/setup.js';
import { dataStreamName } from '../src/storage/template.js';
import { auditTrail } from '../src/recorder/middleware.js';
import { createAuditLogger, type AuditSink } from '../src/recorder/audit-logger.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

function appWith(sink?: AuditSink): Express {
  const app = express();
  if (sink) app.use(auditTrail({ sink, actor: () => ({ id: 'u-1', name: 'alice', roles: ['member'] }) }));
  app.post('/workspaces/:id/stop', (req, res) => {
    if (sink) req.audit({ action: 'stop', resource: { type: 'workspace', id: req.params.id } });
    res.json({ ok: true });
  });
  return app;
}

async function run(app: Express): Promise<{ rps: number; p50: number; p99: number }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/workspaces/ws-1/stop`;
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next++ < REQUESTS) {
      const t = performance.now();
      const res = await fetch(url, { method: 'POST' });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  server.closeAllConnections();
  server.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;
  return { rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

const node = await ensureOpenSearch();
const client = new Client({ node: node.url });
const namespace = 'bench_middleware';
await setupAuditStorage(client, { namespace });
const audit = createAuditLogger({ client, namespace, serviceName: 'bench' });
let noop = 0;
const rows: [string, Awaited<ReturnType<typeof run>>, string][] = [];
await run(appWith()); // warm-up
rows.push(['Express, no auditing (peer baseline)', await run(appWith()), '-']);
rows.push(['auditTrail() + no-op sink', await run(appWith({ record: () => void noop++ })), `${noop} recorded`]);
const t = performance.now();
rows.push(['auditTrail() + createAuditLogger → OpenSearch', await run(appWith(audit)), '']);
await audit.close();
(rows[2] as [string, unknown, string])[2] = `${audit.stats().delivered} delivered (${((performance.now() - t) / 1000).toFixed(1)} s incl. final flush)`;
await client.indices.deleteDataStream({ name: dataStreamName(namespace) });

console.log(`\n${REQUESTS} POST requests, ${CONCURRENCY} concurrent, keep-alive, Node ${process.version}\n`);
console.log('| variant | req/s | p50 ms | p99 ms | events |\n|---|---:|---:|---:|---|');
for (const [name, r, events] of rows) console.log(`| ${name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${events} |`);
