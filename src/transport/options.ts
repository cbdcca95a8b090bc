// Transport options: every default in one place, validated once at construction.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Client } from '@opensearch-project/opensearch';
import { ConfigurationError } from '../errors.js';
import { dataStreamName } from '../template.js';
import type { AuditDocument } from '../ecs-document.js';

/** What a caller may pass to `new OpenSearchAuditTransport(options)`. */
export interface AuditTransportOptions {
  /** An opensearch-js client. Give this or `node`. */
  client?: Client;
  /** OpenSearch URL, used when no `client` is given. Default: env `OPENSEARCH_URL`. */
  node?: string;
  /** Data stream namespace (`logs-audit_trail.events-<namespace>`). Default: `default`. */
  namespace?: string;
  /** Flush when this many events are queued. Default: 500. */
  batchSize?: number;
  /** Flush at least this often, in ms. Default: 1000. */
  flushIntervalMs?: number;
  /** Attempts for a batch item that failed with 429, 5xx or a network error. Default: 5. */
  maxAttempts?: number;
  /** First retry delay in ms; doubled each attempt, with jitter. Default: 200. */
  retryBaseDelayMs?: number;
  /** Events held in memory at most; past it new events are dropped and counted. Default: 100000. */
  maxQueuedEvents?: number;
  /** Identifies this producer in `audit_trail.producer`. Default: `<hostname>-<pid>-<random>`. */
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
   * process. Default: none.
   */
  redact?: (document: AuditDocument) => AuditDocument;
}

export interface ResolvedTransportOptions {
  client: Client;
  dataStream: string;
  batchSize: number;
  flushIntervalMs: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  maxQueuedEvents: number;
  producerId: string;
  service: { name?: string; version?: string; environment?: string };
  level?: string;
  redact: (document: AuditDocument) => AuditDocument;
}

export const TRANSPORT_DEFAULTS = {
  namespace: 'default',
  batchSize: 500,
  flushIntervalMs: 1000,
  maxAttempts: 5,
  retryBaseDelayMs: 200,
  maxQueuedEvents: 100_000,
} as const;

function positiveInteger(option: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ConfigurationError(option, `must be a whole number from 1 to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Applies defaults and validates; throws ConfigurationError naming the bad option. */
export function resolveTransportOptions(options: AuditTransportOptions = {}): ResolvedTransportOptions {
  let client = options.client;
  if (!client) {
    const node = options.node ?? process.env.OPENSEARCH_URL;
    if (!node) {
      throw new ConfigurationError('node', 'is missing: pass `client` (an opensearch-js Client) or `node` (a URL), or set OPENSEARCH_URL');
    }
    try {
      new URL(node);
    } catch {
      throw new ConfigurationError('node', `must be a URL such as http://127.0.0.1:9200, got ${JSON.stringify(node)}`);
    }
    client = new Client({ node });
  }
  let dataStream: string;
  try {
    dataStream = dataStreamName(options.namespace ?? TRANSPORT_DEFAULTS.namespace);
  } catch (error) {
    throw new ConfigurationError('namespace', (error as Error).message);
  }
  const resolved: ResolvedTransportOptions = {
    client,
    dataStream,
    batchSize: positiveInteger('batchSize', options.batchSize ?? TRANSPORT_DEFAULTS.batchSize, 10_000),
    flushIntervalMs: positiveInteger('flushIntervalMs', options.flushIntervalMs ?? TRANSPORT_DEFAULTS.flushIntervalMs, 60_000),
    maxAttempts: positiveInteger('maxAttempts', options.maxAttempts ?? TRANSPORT_DEFAULTS.maxAttempts, 1000),
    retryBaseDelayMs: positiveInteger('retryBaseDelayMs', options.retryBaseDelayMs ?? TRANSPORT_DEFAULTS.retryBaseDelayMs, 60_000),
    maxQueuedEvents: positiveInteger('maxQueuedEvents', options.maxQueuedEvents ?? TRANSPORT_DEFAULTS.maxQueuedEvents),
    producerId: options.producerId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`,
    service: { name: options.serviceName, version: options.serviceVersion, environment: options.serviceEnvironment },
    redact: options.redact ?? ((document) => document),
  };
  if (typeof resolved.redact !== 'function') throw new ConfigurationError('redact', 'must be a function (document) => document');
  if (!/^[\w.:-]{1,128}$/.test(resolved.producerId)) {
    throw new ConfigurationError('producerId', 'must be 1–128 letters, digits, ".", ":", "_" or "-"');
  }
  if (options.level !== undefined) resolved.level = options.level;
  return resolved;
}
