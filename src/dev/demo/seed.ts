// Seeds the demo once by driving the example service (events through the typed audit API), with a progress bar on the terminal.
import { randomBytes } from 'node:crypto';
import cliProgress from 'cli-progress';
import type { Client } from '@opensearch-project/opensearch';
import { createAuditLogger } from '../../recorder/audit-logger.js';
import { dataStreamName } from '../../storage/template.js';
import { DEFAULT_NAMESPACE } from '../../model/vocabulary.js';
import type { DemoOptions } from './generate.js';
import { driveWorkspacePlatform } from './drive.js';

/** Producer ids of the demo seeder start with this (one producer per run); their presence in the index means "already seeded". */
export const DEMO_PRODUCER = 'demo-seed';
/** The query that finds the demo seeder's events. */
export const DEMO_EVENTS_QUERY = { prefix: { 'audit_trail.producer': DEMO_PRODUCER } } as const;

/** The namespace demo data goes to unless another is named; never `default`, where real events go. */
export const DEMO_NAMESPACE = 'demo';

export interface SeedResult {
  seeded: boolean;
  count: number;
  delivered: number;
  ms: number;
}

/** True when demo events are already in the namespace's data stream. */
export async function demoAlreadySeeded(client: Client, namespace = DEMO_NAMESPACE): Promise<boolean> {
  const res = await client.count({
    index: dataStreamName(namespace),
    body: { query: DEMO_EVENTS_QUERY },
    ignore_unavailable: true,
    allow_no_indices: true,
  } as never);
  return (res.body as { count: number }).count > 0;
}

/**
 * Seeds the demo into `namespace` (default `demo`; `default` is refused) unless already seeded (or `force`): drives the example workspace platform's routes
 * in-process with a clock spread over the last 30 days, its events going through `createAuditLogger`.
 */
export async function seedDemoData(
  client: Client,
  options: DemoOptions & { namespace?: string; force?: boolean; progress?: boolean; signingKey?: string } = {},
): Promise<SeedResult> {
  const started = Date.now();
  const namespace = options.namespace ?? DEMO_NAMESPACE;
  if (namespace === DEFAULT_NAMESPACE) throw new RangeError(`demo data goes into a namespace of its own, never '${DEFAULT_NAMESPACE}' (default: '${DEMO_NAMESPACE}')`);
  if (!options.force && (await demoAlreadySeeded(client, namespace))) return { seeded: false, count: 0, delivered: 0, ms: 0 };
  const audit = createAuditLogger({
    client,
    namespace,
    // A producer of its own per run (a seeded namespace seeded again with --force holds two chains).
    producerId: `${DEMO_PRODUCER}-${randomBytes(4).toString('hex')}`,
    ...(options.signingKey === undefined ? {} : { signingKey: options.signingKey }),
    serviceName: 'demo-workspace-platform',
    onWarning: (w) => console.warn(`[demo] ${w.message}`),
  });
  const bar = options.progress === false ? undefined : new cliProgress.SingleBar({ format: '[demo] driving the example service {bar} {value}/{total} requests', hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic);
  let barStarted = false;
  const driven = await driveWorkspacePlatform({
    sink: audit,
    hmacKey: randomBytes(32), // hashes of secret fields only need to compare within the demo
    ...(options.count === undefined ? {} : { count: options.count }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    onStep: (done, total) => {
      if (!barStarted) {
        bar?.start(total, 0);
        barStarted = true;
      }
      bar?.update(done);
    },
  }).finally(() => bar?.stop());
  await audit.close();
  await client.indices.refresh({ index: dataStreamName(namespace) });
  const stats = audit.stats();
  return { seeded: true, count: driven.events, delivered: stats.delivered - stats.checkpoints, ms: Date.now() - started };
}
