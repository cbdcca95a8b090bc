// The typed audit API: `createAuditLogger(options).record({...})` over the winston transport, with redaction installed.
import { setTimeout as sleep } from 'node:timers/promises';
import winston from 'winston';
import { validateEvent, type AuditEventInput } from '../model/event.js';
import { describeEvent, type AuditDocument } from '../model/ecs-document.js';
import { OpenSearchAuditTransport, type TransportStats, type TransportWarning } from '../transport/audit-transport.js';
import { TRANSPORT_DEFAULTS, type AuditTransportOptions } from '../transport/options.js';
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
  /**
   * Drains for up to `closeTimeoutMs`, then closes the logger; resolves to the number of events left
   * undelivered (0 once everything queued is written), as `transport.close()` does.
   */
  close(): Promise<number>;
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
  let closing: Promise<number> | undefined;
  const levels = logger.levels;
  const passes = (level: string) => transport.level === undefined || (levels[level] ?? Infinity) <= (levels[transport.level] ?? -1);
  return {
    logger,
    transport,
    record(input) {
      // Validated and described once, here: the transport takes the event as it is.
      const event = validateEvent(input);
      const description = describeEvent(event);
      const level = event.outcome === 'failure' ? 'warn' : 'info';
      // Straight into the transport when winston would only pass it on: no other transport, nothing
      // waiting in winston (order kept), and the transport not holding writes back (the block policy).
      // Once closed, the transport counts what still comes as dropped.
      if (closing !== undefined || (logger.transports.length === 1 && logger.writableLength === 0 && logger.readableLength === 0 && transport.takesDirectly)) {
        if (passes(level)) transport.recordVouched(event, description, level);
      } else {
        logger.log(level, description, { audit: vouchForEvent(event, description) });
      }
      return event.id;
    },
    flush: () => transport.flush(),
    stats: () => transport.stats(),
    close() {
      // winston's end ends its transports even while it still holds entries a blocked transport has not
      // taken (they would be written after end): first let it hand them on, within the close deadline.
      closing ??= (async () => {
        const deadline = Date.now() + (options.closeTimeoutMs ?? TRANSPORT_DEFAULTS.closeTimeoutMs);
        while (logger.readableLength + logger.writableLength + transport.writableLength > 0 && Date.now() < deadline) await sleep(5);
        const left = new Promise<number>((resolve) => logger.once('finish', () => resolve(transport.close(Math.max(0, deadline - Date.now())))));
        logger.end();
        return left;
      })();
      return closing;
    },
  };
}
