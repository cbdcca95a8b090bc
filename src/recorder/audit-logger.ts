// The typed audit API: `createAuditLogger(options).record({...})` over the winston transport, with redaction installed.
import winston from 'winston';
import { validateEvent, type AuditEventInput } from '../model/event.js';
import { describeEvent, type AuditDocument } from '../model/ecs-document.js';
import { OpenSearchAuditTransport, type TransportStats, type TransportWarning } from '../transport/audit-transport.js';
import type { AuditTransportOptions } from '../transport/options.js';
import { vouchForEvent } from '../transport/validated-events.js';
import { ConfigurationError } from '../model/errors.js';
import { createRedactor, type RedactOptions } from './redact.js';

/** One audit event as the typed API takes it: `action` and `resource.type` are checked at compile time. */
export type AuditRecord = AuditEventInput;

/** Anything that takes audit events: an `AuditLogger`, or a test double. The middleware writes to one. */
export interface AuditSink {
  record(event: AuditRecord): unknown;
}

/** Options of `createAuditLogger`: the transport's options, with redaction on by default. */
export interface AuditLoggerOptions extends Omit<AuditTransportOptions, 'redact'> {
  /** Data stream namespace. Default: env `AUDIT_TRAIL_NAMESPACE`, else `default`. */
  namespace?: string;
  /**
   * What to mask before a document leaves the process. An options object extends the default
   * redactor (which always masks `authorization`, `proxy-authorization`, `cookie`, `set-cookie`);
   * a function replaces it; `false` turns redaction off. Default: the default redactor.
   */
  redact?: RedactOptions | ((document: AuditDocument) => AuditDocument) | false;
  /** Called with each transport warning (invalid, rejected, dropped events). Default: `console.warn`. */
  onWarning?: (warning: TransportWarning) => void;
}

/** The typed audit API. */
export interface AuditLogger extends AuditSink {
  /**
   * Validates the event now (throws `AuditValidationError` naming the bad fields) and queues it;
   * returns the event id. Delivery is asynchronous: see `flush()` and `stats()`.
   */
  record(event: AuditRecord): string;
  /** Resolves when everything queued so far is delivered, rejected or dropped. */
  flush(): Promise<void>;
  /** The transport's counters. */
  stats(): TransportStats;
  /** Flushes and closes the logger; resolves once the queued events are written. */
  close(): Promise<void>;
  /** The underlying winston logger (only the audit transport is attached). */
  readonly logger: winston.Logger;
  /** The underlying transport, to attach to another winston logger if you prefer. */
  readonly transport: OpenSearchAuditTransport;
}

function resolveRedactor(redact: AuditLoggerOptions['redact']): AuditTransportOptions['redact'] {
  if (redact === false) return undefined;
  if (redact === undefined) return createRedactor();
  if (typeof redact === 'function') return redact;
  if (typeof redact === 'object' && redact !== null) return createRedactor(redact);
  throw new ConfigurationError('redact', 'must be redaction options ({ keys, paths, mode }), a function (document) => document, or false');
}

/** Creates the typed audit API, writing to OpenSearch through `OpenSearchAuditTransport`. */
export function createAuditLogger(options: AuditLoggerOptions = {}): AuditLogger {
  const { redact, onWarning, ...transportOptions } = options;
  const redactor = resolveRedactor(redact);
  const namespace = transportOptions.namespace ?? process.env.AUDIT_TRAIL_NAMESPACE;
  const transport = new OpenSearchAuditTransport({ ...transportOptions, ...(namespace ? { namespace } : {}), ...(redactor ? { redact: redactor } : {}) });
  const warn = onWarning ?? ((w: TransportWarning) => console.warn(`[audit] ${w.message}`));
  transport.on('warn', warn);
  const logger = winston.createLogger({ level: 'info', transports: [transport] });
  let closing: Promise<void> | undefined;
  return {
    logger,
    transport,
    record(input) {
      // Validated and described once, here: the transport takes the vouched-for event as it is.
      const event = validateEvent(input);
      const description = describeEvent(event);
      logger.log(event.outcome === 'failure' ? 'warn' : 'info', description, { audit: vouchForEvent(event, description) });
      return event.id;
    },
    flush: () => transport.flush(),
    stats: () => transport.stats(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        logger.once('finish', () => resolve());
        logger.end();
      });
      return closing;
    },
  };
}
