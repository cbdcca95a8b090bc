// Seeds the demo events once, through the winston transport, with a progress bar on the terminal.
import winston from 'winston';
import cliProgress from 'cli-progress';
import type { Client } from '@opensearch-project/opensearch';
import { OpenSearchAuditTransport } from '../transport/audit-transport.js';
import { dataStreamName } from '../template.js';
import { generateDemoEvents, type DemoOptions } from './generate.js';

/** Producer id of the demo seeder; its presence in the index means "already seeded". */
export const DEMO_PRODUCER = 'demo-seed';

export interface SeedResult {
  seeded: boolean;
  count: number;
  delivered: number;
  ms: number;
}

/** True when demo events are already in the namespace's data stream. */
export async function demoAlreadySeeded(client: Client, namespace = 'default'): Promise<boolean> {
  const res = await client.count({
    index: dataStreamName(namespace),
    body: { query: { term: { 'audit_trail.producer': DEMO_PRODUCER } } },
    ignore_unavailable: true,
    allow_no_indices: true,
  } as never);
  return (res.body as { count: number }).count > 0;
}

/** Writes demo events through the transport unless already seeded (or `force`). */
export async function seedDemoData(
  client: Client,
  options: DemoOptions & { namespace?: string; force?: boolean; progress?: boolean } = {},
): Promise<SeedResult> {
  const started = Date.now();
  const namespace = options.namespace ?? 'default';
  if (!options.force && (await demoAlreadySeeded(client, namespace))) return { seeded: false, count: 0, delivered: 0, ms: 0 };
  const events = generateDemoEvents(options);
  const transport = new OpenSearchAuditTransport({ client, namespace, producerId: DEMO_PRODUCER, serviceName: 'demo-workspace-platform' });
  transport.on('warn', (w: { message: string }) => console.warn(`[demo] ${w.message}`));
  const logger = winston.createLogger({ transports: [transport] });
  const bar = options.progress === false ? undefined : new cliProgress.SingleBar({ format: '[demo] seeding {bar} {value}/{total} events', hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic);
  bar?.start(events.length, 0);
  const ticker = setInterval(() => bar?.update(transport.stats().delivered), 100);
  for (const event of events) logger.info('demo', { audit: event });
  await new Promise<void>((resolve) => {
    logger.on('finish', () => resolve());
    logger.end();
  });
  clearInterval(ticker);
  bar?.update(transport.stats().delivered);
  bar?.stop();
  await client.indices.refresh({ index: dataStreamName(namespace) });
  return { seeded: true, count: events.length, delivered: transport.stats().delivered, ms: Date.now() - started };
}
