// Verifies a namespace's events against their producers' hash chains and signed checkpoints: checkpoints first, then one sorted scan of the events.
import type { Client } from '@opensearch-project/opensearch';
import type { SignedCheckpoint } from '../integrity/checkpoint.js';
import { chainEventOf } from '../integrity/chain-event.js';
import { trustCheckpoints, type CheckpointTrust } from '../integrity/checkpoint-trust.js';
import type { VerifyKey } from '../integrity/keys.js';
import { isRetentionProducer, retentionStarts } from '../integrity/retention-statement.js';
import { ChainVerifier, UNSIGNED_GRACE_MS } from '../integrity/verify-chain.js';
import { ProblemLog, type ProducerReport, type VerifyProblem } from '../integrity/verify-report.js';
import { DEFAULT_NAMESPACE } from '../model/vocabulary.js';
import { dataStreamName } from '../storage/template.js';
import { scanSorted } from './sorted-scan.js';
import { producerOf, readCheckpoints } from './verify-checkpoints.js';
import { planScans } from './verify-streams.js';
import { EVENT_ORDER, resolveTimeBound } from './verify-window.js';

export interface VerifyNamespaceOptions {
  /** Data stream namespace. Default `default`. */
  namespace?: string;
  /** Trusted public keys, given out of band (never read from the cluster). Required: without keys nothing is trusted. */
  keys: readonly VerifyKey[];
  /**
   * Start of the time window (ISO, or relative such as `now-7d`). Each producer is verified from its newest trusted
   * checkpoint made at or before it (its head sequence; that event's link must be the checkpoint's), so the events and
   * checkpoints before may be gone (retention deletes whole old indices). A producer with no such checkpoint is verified
   * from its genesis. Default: every producer from its genesis.
   */
  from?: string | Date;
  /** End of the window: each producer up to its oldest trusted checkpoint made at or after it. Default: to the newest event. */
  to?: string | Date;
  /**
   * Checkpoints from an outside append-only file: each must be in the cluster (else `missing-checkpoint`) and counts as
   * trusted even when it was deleted there, so a producer's newest events deleted with its last checkpoints are found.
   */
  anchor?: readonly SignedCheckpoint[];
  /** The moment relative times and the unsigned tail's age count from. Default: now. */
  now?: Date;
  /** Age of the newest unsigned event from which an unsigned tail is a problem, in ms. Default 60,000. */
  graceMs?: number;
  /** Events per page. Default 5000. */
  batchSize?: number;
  /** Scans run at once, each over a share of the producers (so the cluster works on several pages at a time). Default 2. */
  concurrency?: number;
  /** Called after each page with the events checked so far and the total to check. */
  onProgress?: (checked: number, total: number) => void;
}

/** `intact-unsigned-tail`: intact, with events after some producer's last checkpoint younger than the grace period. */
export type NamespaceStatus = 'intact' | 'intact-unsigned-tail' | 'problems';

export interface NamespaceReport {
  namespace: string;
  status: NamespaceStatus;
  /** The window's bounds as resolved (ISO), when given. */
  from?: string;
  to?: string;
  /** The moment of verification (ISO). */
  verifiedAt: string;
  eventsChecked: number;
  /** Problems over every producer (exact counts). */
  problemCount: number;
  /** One report per producer, by producer id. */
  producers: ProducerReport[];
  /** Events that name no producer and checkpoint documents that cannot be read to a producer: each a problem. */
  unattributed: VerifyProblem[];
  /** Wall time of the verification in ms. */
  tookMs: number;
}

/**
 * Verifies every producer of a namespace: reads all checkpoints (small), decides which are trusted, then scans the events
 * sorted by producer and sequence (a point in time, pages of `batchSize`, the next page fetched while the current one is
 * hashed) through one {@link ChainVerifier} per producer. Memory stays flat whatever the number of events. Producers known
 * only from checkpoints or anchors are reported too (all their events gone: `truncated`).
 */
export async function verifyNamespace(client: Client, options: VerifyNamespaceOptions): Promise<NamespaceReport> {
  const started = performance.now();
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const now = options.now ?? new Date();
  const from = options.from === undefined ? undefined : resolveTimeBound(options.from, now, 'from');
  const to = options.to === undefined ? undefined : resolveTimeBound(options.to, now, 'to');
  const verifierOptions = { now, graceMs: options.graceMs ?? UNSIGNED_GRACE_MS };
  const unattributed = new ProblemLog();
  const { byProducer, unreadable } = await readCheckpoints(client, namespace, unattributed);
  const anchors = options.anchor ? { anchors: options.anchor } : {};
  // Retention statements (never deleted, never windowed) first: each producer starts after what trusted ones say was removed.
  const retention = [...byProducer.keys()].filter(isRetentionProducer).map((p) => trustCheckpoints(p, byProducer.get(p) ?? [], { keys: options.keys, ...anchors }));
  const removed = retentionStarts(retention.flatMap((t) => t.trusted));
  const trustOf = (producer: string): CheckpointTrust => {
    const since = removed.get(producer);
    const trust = retention.find((t) => t.producer === producer) ?? trustCheckpoints(producer, byProducer.get(producer) ?? [], { keys: options.keys, ...anchors, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(since ? { removed: since } : {}) });
    trust.problems.unshift(...(unreadable.get(producer) ?? []));
    return trust;
  };
  const known = new Set([...byProducer.keys(), ...unreadable.keys(), ...(options.anchor ?? []).map((c) => c.producer)]);
  const trusts = new Map([...known].map((p) => [p, trustOf(p)]));

  const reports = new Map<string, ProducerReport>();
  const index = dataStreamName(namespace);
  const queries = await planScans(client, index, trusts, options.concurrency ?? 2);
  let checked = 0;
  let total = 0;
  /** One scan: its events, sorted by producer and sequence, through a verifier per producer. */
  const run = async (query: Record<string, unknown>): Promise<void> => {
    let current: { producer: string; verifier: ChainVerifier } | undefined;
    const close = (): void => {
      if (current) reports.set(current.producer, current.verifier.finish());
      current = undefined;
    };
    const scan = scanSorted(client, { index, query, sort: EVENT_ORDER, ...(options.batchSize ? { batchSize: options.batchSize } : {}), onTotal: (n) => (total += n) });
    for await (const page of scan) {
      // Another scan failed: stop this one too (leaving the loop closes its point in time).
      if (failed) break;
      for (const hit of page) {
        const source = hit._source ?? {};
        const producer = producerOf(source);
        const event = chainEventOf(source, hit._id);
        if (producer === undefined) {
          unattributed.add({ kind: 'forged', events: 1, eventIds: [event.id], ...(event.time ? { firstTime: event.time, lastTime: event.time } : {}), detail: 'events that name no producer (audit_trail.producer)' });
          continue;
        }
        if (current?.producer !== producer) {
          close();
          if (reports.has(producer)) throw new Error(`events of producer ${producer} did not come together: the sort order is broken`);
          current = { producer, verifier: new ChainVerifier(trusts.get(producer) ?? trustOf(producer), verifierOptions) };
        }
        current.verifier.add(event);
      }
      checked += page.length;
      options.onProgress?.(checked, Math.max(total, checked));
    }
    close();
  };
  let failed = false;
  const outcomes = await Promise.allSettled(queries.map((q) => run(q).catch((error: unknown) => ((failed = true), Promise.reject(error)))));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  for (const [producer, trust] of trusts) if (!reports.has(producer)) reports.set(producer, new ChainVerifier(trust, verifierOptions).finish());

  const producers = [...reports.values()].sort((a, b) => (a.producer < b.producer ? -1 : a.producer > b.producer ? 1 : 0));
  const problemCount = producers.reduce((n, r) => n + Object.values(r.problemCounts).reduce((a, b) => a + (b ?? 0), 0), 0) + Object.values(unattributed.counts).reduce((a, b) => a + (b ?? 0), 0);
  const status: NamespaceStatus = problemCount > 0 ? 'problems' : producers.some((r) => r.status === 'intact-unsigned-tail') ? 'intact-unsigned-tail' : 'intact';
  return {
    namespace, status, ...(from ? { from: from.toISOString() } : {}), ...(to ? { to: to.toISOString() } : {}), verifiedAt: now.toISOString(),
    eventsChecked: checked, problemCount, producers, unattributed: unattributed.problems, tookMs: Math.round(performance.now() - started),
  };
}
