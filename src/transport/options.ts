// Transport options: every default in one place, validated once at construction.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Client } from '@opensearch-project/opensearch';
import { ConfigurationError } from '../model/errors.js';
import type { KeyObject } from 'node:crypto';
import { checkpointStreamName, dataStreamName } from '../storage/template.js';
import { signingKeyFrom } from '../integrity/keys.js';
import type { SignedCheckpoint } from '../integrity/checkpoint.js';
import type { CheckpointSettings } from './checkpointer.js';
import { CONNECTION_ENV, connectionFromEnvironment, createOpenSearchClient, type ConnectionOptions } from '../storage/connection.js';
import type { AuditDocument, DocumentRedactor } from '../model/ecs-document.js';
import { DEFAULT_NAMESPACE } from '../model/vocabulary.js';

/** What happens to a new event when the memory cap is reached. */
export type OverflowPolicy = 'spool' | 'block' | 'drop-newest';
/** When the spool is flushed to stable storage (fdatasync). */
export type SyncPolicy = 'interval' | 'always' | 'none';

/** What a caller may pass to `new OpenSearchAuditTransport(options)`. */
export interface AuditTransportOptions {
  /** An opensearch-js client. Give this, `node` or `connection`. */
  client?: Client;
  /** OpenSearch URL, used when no `client` is given. */
  node?: string;
  /** How to reach the cluster (credentials, TLS, SigV4), used when neither `client` nor `node` is given. Default: `connectionFromEnvironment()`. */
  connection?: ConnectionOptions;
  /** Data stream namespace (`logs-audit_trail.events-<namespace>`). Default: `default`. */
  namespace?: string;
  /** Send a batch when this many events are ready. Default: 1000. */
  batchSize?: number;
  /** Send a batch when this many bytes of bulk body are ready; at most 10 MiB. Default: 5 MiB. */
  maxBatchBytes?: number;
  /** Send what is ready at least this often, in ms. Default: 1000. */
  flushIntervalMs?: number;
  /** Bulk requests in flight at once. Default: 2. */
  concurrency?: number;
  /** Gzip the bulk request bodies. Default: false. */
  gzip?: boolean;
  /** Time limit of one bulk request, in ms; past it the items are retried. Default: 30000. */
  requestTimeoutMs?: number;
  /** First retry delay in ms; doubled each attempt (with full jitter), never above `retryMaxDelayMs`. Default: 200. */
  retryBaseDelayMs?: number;
  /** Longest retry delay in ms (also the longest wait before noticing OpenSearch is back). Default: 5000. */
  retryMaxDelayMs?: number;
  /** Bytes of undelivered events held in memory at most. Default: 32 MiB. */
  memoryCapBytes?: number;
  /**
   * Past the memory cap: `spool` appends to disk (needs `spoolDir`), `block` holds winston's write
   * callback until memory is below the cap (see `waitForCapacity()`), `drop-newest` drops and counts.
   * Default: `spool` when `spoolDir` is set, else `drop-newest`.
   */
  overflow?: OverflowPolicy;
  /**
   * Directory of the disk spool: every accepted event is appended here before it is sent, replayed
   * on start, and the producer id and sequence are kept here. One process per directory.
   * Default: none (memory only: a crash loses what is undelivered).
   */
  spoolDir?: string;
  /** Largest spool on disk, in bytes; past it new events are dropped and counted. Default: 1 GiB. */
  maxSpoolBytes?: number;
  /** Size of one spool segment file, in bytes; at most half of `memoryCapBytes`. Default: 8 MiB (or a quarter of `memoryCapBytes` when smaller). */
  segmentBytes?: number;
  /** `interval`: fdatasync every `syncIntervalMs`; `always`: before each batch is sent; `none`: leave it to the OS. Default: `interval`. */
  sync?: SyncPolicy;
  /** Sync period for `sync: 'interval'`, in ms (the power-loss window). Default: 500. */
  syncIntervalMs?: number;
  /** NDJSON file for refused events. Default: `<spoolDir>/dead-letter.ndjson` with a spool, else none. */
  deadLetterFile?: string;
  /** Also index refused events into this index or data stream. Default: none. */
  deadLetterIndex?: string;
  /** How long `close()` and winston's `finish` wait for delivery, in ms. Default: 10000. */
  closeTimeoutMs?: number;
  /**
   * Identifies this producer in `audit_trail.producer`. Default: `<hostname>-<pid>-<random>`, made once and kept in
   * `spoolDir` when there is one. Its sequence and chain survive a restart only in a `spoolDir`: a fixed id without one
   * numbers from 1 again at each start, and `verify` reports the second documents at those numbers as `forged`.
   */
  producerId?: string;
  /** `service.name` of the documents. Default: none. */
  serviceName?: string;
  /** `service.version`. Default: none. */
  serviceVersion?: string;
  /** `service.environment`. Default: none. */
  serviceEnvironment?: string;
  /** winston level of this transport. Default: the logger's. */
  level?: string;
  /**
   * Last step of shaping, before a document is queued: remove or mask what must never leave the
   * process. A hook with `freeForm` (as `createRedactor` makes when it can) is applied to `details`,
   * `diff` and metadata alone (the hook never sees the whole document). Default: none.
   */
  redact?: DocumentRedactor;
  /**
   * Ed25519 private key (PEM text or KeyObject) that signs this producer's checkpoints, so an auditor
   * holding the public key can verify the chain. Default: none (events are still linked, but nothing
   * is signed: verification reports everything as an unsigned tail).
   */
  signingKey?: string | KeyObject;
  /** A signed checkpoint after this many events. Default: 1000. */
  checkpointEvery?: number;
  /** A signed checkpoint at least this often while events come, in ms (and one at `close()`). Default: 10000. */
  checkpointIntervalMs?: number;
  /** An append-only file outside the cluster that receives a copy of every checkpoint (synced). Default: none. */
  anchorFile?: string;
  /** Called with every signed checkpoint, to anchor it where you choose; must not throw. Default: none. */
  onCheckpoint?: (checkpoint: SignedCheckpoint) => void;
}

export interface ResolvedTransportOptions {
  client: Client;
  dataStream: string;
  batchSize: number;
  maxBatchBytes: number;
  flushIntervalMs: number;
  concurrency: number;
  gzip: boolean;
  requestTimeoutMs: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  memoryCapBytes: number;
  overflow: OverflowPolicy;
  spoolDir?: string;
  maxSpoolBytes: number;
  segmentBytes: number;
  sync: SyncPolicy;
  syncIntervalMs: number;
  deadLetterFile?: string;
  deadLetterIndex?: string;
  closeTimeoutMs: number;
  /** Undefined when it is to be read from (or created in) the spool. */
  producerId?: string;
  service: { name?: string; version?: string; environment?: string };
  level?: string;
  /** Undefined when none is given. */
  redact?: DocumentRedactor;
  /** The checkpoint data stream beside `dataStream`. */
  checkpointStream: string;
  /** Undefined without a signing key. */
  checkpoints?: CheckpointSettings;
}

const MiB = 1024 * 1024;

export const TRANSPORT_DEFAULTS = {
  namespace: DEFAULT_NAMESPACE,
  batchSize: 1000,
  maxBatchBytes: 5 * MiB,
  flushIntervalMs: 1000,
  concurrency: 2,
  requestTimeoutMs: 30_000,
  retryBaseDelayMs: 200,
  retryMaxDelayMs: 5_000,
  memoryCapBytes: 32 * MiB,
  maxSpoolBytes: 1024 * MiB,
  segmentBytes: 8 * MiB,
  sync: 'interval',
  syncIntervalMs: 500,
  closeTimeoutMs: 10_000,
  checkpointEvery: 1000,
  checkpointIntervalMs: 10_000,
} as const;

function positiveInteger(option: string, value: number, max = Number.MAX_SAFE_INTEGER, min = 1): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(option, `must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function oneOf<T extends string>(option: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) throw new ConfigurationError(option, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}

function makeClient(options: AuditTransportOptions): Client {
  if (options.client) return options.client;
  const node = options.node;
  if (node === undefined) {
    if (options.connection) return createOpenSearchClient(options.connection);
    if (!process.env[CONNECTION_ENV.url]) throw new ConfigurationError('node', `is missing: pass \`client\` (an opensearch-js Client), \`node\` (a URL) or \`connection\`, or set ${CONNECTION_ENV.url}`);
    return createOpenSearchClient(connectionFromEnvironment(process.env));
  }
  try {
    new URL(node);
  } catch {
    throw new ConfigurationError('node', `must be a URL such as http://127.0.0.1:9200, got ${JSON.stringify(node)}`);
  }
  return new Client({ node });
}

/** Applies defaults and validates; throws ConfigurationError naming the bad option. */
export function resolveTransportOptions(options: AuditTransportOptions = {}): ResolvedTransportOptions {
  const defaults = TRANSPORT_DEFAULTS;
  const client = makeClient(options);
  let dataStream: string;
  let checkpointStream: string;
  try {
    dataStream = dataStreamName(options.namespace ?? defaults.namespace);
    checkpointStream = checkpointStreamName(options.namespace ?? defaults.namespace);
  } catch (error) {
    throw new ConfigurationError('namespace', (error as Error).message);
  }
  const spoolDir = options.spoolDir === undefined ? undefined : resolve(options.spoolDir);
  const overflow = oneOf<OverflowPolicy>('overflow', options.overflow ?? (spoolDir ? 'spool' : 'drop-newest'), ['spool', 'block', 'drop-newest']);
  if (overflow === 'spool' && !spoolDir) {
    throw new ConfigurationError('overflow', 'is "spool" but no spoolDir is given: set spoolDir (a directory this process owns), or choose "block" or "drop-newest"');
  }
  const memoryCapBytes = positiveInteger('memoryCapBytes', options.memoryCapBytes ?? defaults.memoryCapBytes, 16 * 1024 * MiB, 64 * 1024);
  const resolved: ResolvedTransportOptions = {
    client,
    dataStream,
    checkpointStream,
    batchSize: positiveInteger('batchSize', options.batchSize ?? defaults.batchSize, 100_000),
    maxBatchBytes: positiveInteger('maxBatchBytes', options.maxBatchBytes ?? defaults.maxBatchBytes, 10 * MiB, 1024),
    flushIntervalMs: positiveInteger('flushIntervalMs', options.flushIntervalMs ?? defaults.flushIntervalMs, 60_000),
    concurrency: positiveInteger('concurrency', options.concurrency ?? defaults.concurrency, 64),
    gzip: options.gzip ?? false,
    requestTimeoutMs: positiveInteger('requestTimeoutMs', options.requestTimeoutMs ?? defaults.requestTimeoutMs, 600_000, 10),
    retryBaseDelayMs: positiveInteger('retryBaseDelayMs', options.retryBaseDelayMs ?? defaults.retryBaseDelayMs, 60_000),
    retryMaxDelayMs: positiveInteger('retryMaxDelayMs', options.retryMaxDelayMs ?? defaults.retryMaxDelayMs, 3_600_000),
    memoryCapBytes,
    overflow,
    maxSpoolBytes: positiveInteger('maxSpoolBytes', options.maxSpoolBytes ?? defaults.maxSpoolBytes, Number.MAX_SAFE_INTEGER, 64 * 1024),
    segmentBytes: positiveInteger('segmentBytes', options.segmentBytes ?? Math.min(defaults.segmentBytes, Math.floor(memoryCapBytes / 4)), 256 * MiB, 4096),
    sync: oneOf<SyncPolicy>('sync', options.sync ?? defaults.sync, ['interval', 'always', 'none']),
    syncIntervalMs: positiveInteger('syncIntervalMs', options.syncIntervalMs ?? defaults.syncIntervalMs, 60_000),
    closeTimeoutMs: positiveInteger('closeTimeoutMs', options.closeTimeoutMs ?? defaults.closeTimeoutMs, 3_600_000, 0),
    service: { name: options.serviceName, version: options.serviceVersion, environment: options.serviceEnvironment },
  };
  if (resolved.segmentBytes > resolved.memoryCapBytes / 2) {
    throw new ConfigurationError('segmentBytes', `must be at most half of memoryCapBytes (${resolved.memoryCapBytes}): a spooled segment is read back into memory whole`);
  }
  if (typeof resolved.gzip !== 'boolean') throw new ConfigurationError('gzip', 'must be true or false');
  if (resolved.retryMaxDelayMs < resolved.retryBaseDelayMs) throw new ConfigurationError('retryMaxDelayMs', 'must be at least retryBaseDelayMs');
  if (options.redact !== undefined) {
    if (typeof options.redact !== 'function') throw new ConfigurationError('redact', 'must be a function (document) => document');
    resolved.redact = options.redact;
  }
  if (spoolDir) resolved.spoolDir = spoolDir;
  const deadLetterFile = options.deadLetterFile ?? (spoolDir ? resolve(spoolDir, 'dead-letter.ndjson') : undefined);
  if (deadLetterFile) resolved.deadLetterFile = resolve(deadLetterFile);
  if (options.deadLetterIndex !== undefined) {
    if (!/^[a-z0-9][a-z0-9._-]{0,254}$/.test(options.deadLetterIndex)) {
      throw new ConfigurationError('deadLetterIndex', 'must be a lower-case index or data stream name');
    }
    resolved.deadLetterIndex = options.deadLetterIndex;
  }
  const producerId = options.producerId ?? (spoolDir ? undefined : newProducerId());
  if (producerId !== undefined) {
    if (!/^[\w.:-]{1,128}$/.test(producerId)) throw new ConfigurationError('producerId', 'must be 1–128 letters, digits, ".", ":", "_" or "-"');
    resolved.producerId = producerId;
  }
  if (options.level !== undefined) resolved.level = options.level;
  const checkpoints = resolveCheckpoints(options);
  if (checkpoints) resolved.checkpoints = checkpoints;
  return resolved;
}

/** The checkpoint settings, validated; undefined without a signing key. */
function resolveCheckpoints(options: AuditTransportOptions): CheckpointSettings | undefined {
  if (options.signingKey === undefined) {
    for (const name of ['anchorFile', 'onCheckpoint'] as const) {
      if (options[name] !== undefined) throw new ConfigurationError(name, 'needs signingKey: checkpoints are only written when they can be signed');
    }
    return undefined;
  }
  let key: CheckpointSettings['key'];
  try {
    key = signingKeyFrom(options.signingKey);
  } catch (error) {
    throw new ConfigurationError('signingKey', (error as Error).message);
  }
  const settings: CheckpointSettings = {
    key,
    every: positiveInteger('checkpointEvery', options.checkpointEvery ?? TRANSPORT_DEFAULTS.checkpointEvery, 10_000_000),
    intervalMs: positiveInteger('checkpointIntervalMs', options.checkpointIntervalMs ?? TRANSPORT_DEFAULTS.checkpointIntervalMs, 86_400_000, 100),
  };
  if (options.anchorFile !== undefined) settings.anchorFile = resolve(options.anchorFile);
  if (options.onCheckpoint !== undefined) {
    if (typeof options.onCheckpoint !== 'function') throw new ConfigurationError('onCheckpoint', 'must be a function (checkpoint) => void');
    settings.onCheckpoint = options.onCheckpoint;
  }
  return settings;
}

/** A new producer id, `<hostname>-<pid>-<random>`, valid for `producerId` (the one recipe, with or without a spool). */
export function newProducerId(): string {
  return `${hostname().replace(/[^\w.:-]/g, '_').slice(0, 100)}-${process.pid}-${randomBytes(6).toString('hex')}`;
}
