// The product's own retention job (for clusters without ISM): rolls the stream over, signs a retention statement, then deletes whole backing indices older than the period — never the write index, nothing while on legal hold.
import type { Client } from '@opensearch-project/opensearch';
import { checkpointDocument, checkpointFromSource, checkpointId, signCheckpoint, type SignedCheckpoint } from '../integrity/checkpoint.js';
import type { SigningKey } from '../integrity/keys.js';
import { retentionProducer, retentionStatement } from '../integrity/retention-statement.js';
import { isMissingIndexError } from './opensearch-error.js';
import { planRetention, type IndexDecision } from './retention-plan.js';
import { backingIndices, deleteIndices, lastChainedEvents, rollStreamOver } from './retention-indices.js';
import { readRetentionSettings, type RetentionSettings } from './retention-settings.js';
import { checkpointStreamName } from './template.js';

export interface RetentionRunOptions {
  namespace: string;
  /** Signs the retention statement (the machine's producer key). Required unless `dryRun`. */
  signingKey?: SigningKey;
  /** Say what would happen, change nothing. Default false. */
  dryRun?: boolean;
  /** The moment ages count from. Default: now. */
  now?: Date;
}

export interface RetentionRun {
  namespace: string;
  dryRun: boolean;
  settings: RetentionSettings;
  /** The new write index after a rollover (or, in a dry run, why one would happen). */
  rolledOver?: string;
  wouldRollOver?: string;
  /** Events older than this go (ISO), absent when kept forever. */
  before?: string;
  /** Each backing index (before the run) and what happened or would happen to it. */
  decisions: IndexDecision[];
  /** The signed retention statement written before deleting. */
  statement?: SignedCheckpoint;
  deleted: string[];
}

/** The namespace's newest retention statement as stored (number and digest of the next one depend on it). */
export async function newestRetentionStatement(client: Client, namespace: string): Promise<SignedCheckpoint | undefined> {
  try {
    const res = await client.search({
      index: checkpointStreamName(namespace),
      body: { size: 1, query: { term: { 'audit_trail.producer': retentionProducer(namespace) } }, sort: [{ 'audit_trail.checkpoint.number': { order: 'desc' } }] } as never,
    });
    const source = (res.body.hits.hits[0] as { _source?: Record<string, unknown> } | undefined)?._source;
    const read = source ? checkpointFromSource(source) : undefined;
    return read && !('problem' in read) ? read : undefined;
  } catch (error) {
    if (isMissingIndexError(error)) return undefined;
    throw error;
  }
}

/**
 * One run over a namespace. Real run: rollover when due, then (when indices are due and no hold) a retention statement —
 * per producer with events in them the highest sequence and its link — signed and stored in the checkpoint stream before
 * anything is deleted, then the deletion of those indices. The settings are read again just before the statement, so a
 * hold placed meanwhile stops the deletion.
 */
export async function runRetention(client: Client, options: RetentionRunOptions): Promise<RetentionRun> {
  const { namespace } = options;
  const now = options.now ?? new Date();
  const dryRun = options.dryRun ?? false;
  if (!dryRun && !options.signingKey) throw new TypeError('runRetention: a signing key is required unless dryRun');
  const settings = await readRetentionSettings(client, namespace);
  const first = planRetention(await backingIndices(client, namespace), settings, now);
  const run: RetentionRun = { namespace, dryRun, settings, decisions: first.decisions, deleted: [], ...(first.before ? { before: first.before } : {}) };
  if (dryRun) return { ...run, ...(first.rollover ? { wouldRollOver: first.rollover } : {}) };
  let plan = first;
  if (first.rollover) {
    run.rolledOver = await rollStreamOver(client, namespace);
    plan = planRetention(await backingIndices(client, namespace), settings, now);
    const byName = new Map(plan.decisions.map((d) => [d.name, d]));
    run.decisions = first.decisions.map((d) => byName.get(d.name) ?? d);
  }
  const doomed = plan.decisions.filter((d) => d.fate === 'delete' && !d.write).map((d) => d.name);
  if (doomed.length === 0) return run;
  const again = await readRetentionSettings(client, namespace);
  if (again.hold) {
    run.decisions = run.decisions.map((d) => (d.fate === 'delete' ? { ...d, fate: 'keep', why: `legal hold placed during the run: ${again.hold!.reason}` } : d));
    return run;
  }
  const removal = { indices: doomed, before: plan.before!, producers: await lastChainedEvents(client, doomed) };
  const statement = signCheckpoint(retentionStatement(namespace, await newestRetentionStatement(client, namespace), removal, now, options.signingKey!.keyId), options.signingKey!);
  // `create`: a second run racing this one with the same number is refused rather than overwriting it.
  await client.create({ index: checkpointStreamName(namespace), id: checkpointId(statement), body: checkpointDocument(statement) as never, refresh: true } as never);
  run.statement = statement;
  await deleteIndices(client, doomed);
  run.deleted = doomed;
  return run;
}
