// The auditors' own producer: the one place where the recorder of sign-ins, reads of the audit log and user and token changes is made (web view and command line), with its spool.
import { join } from 'node:path';
import type { Client } from '@opensearch-project/opensearch';
import { createAuditLogger, type AuditLogger } from '../recorder/audit-logger.js';
import { AuditValidationError } from '../model/event.js';
import { DEFAULT_NAMESPACE } from '../model/vocabulary.js';
import type { AuditorAction, AuditorActionHook } from '../web/auditor-action.js';
import { AUDITOR_SERVICE, auditorEvent } from './auditor-events.js';

/** The web view's spool, under its data directory: its producer id and sequence survive restarts, and nothing is lost while the cluster is down. */
export const webSpoolDir = (dataDir: string): string => join(dataDir, 'spool');
/** The command line's own spool (`users`, `tokens`), beside the web view's: two processes never share one. */
export const cliSpoolDir = (dataDir: string): string => join(dataDir, 'cli-spool');

/** Keys masked wherever they appear, should one ever reach an event (the actions carry none by design). */
const SECRET_KEYS = ['password', 'token', 'secret', 'session_id', 'sid', 'code', 'state', 'cookie'];

/** How long between two warnings about retries (the cluster away): the first is logged, then one a minute. */
const RETRY_WARNING_MS = 60_000;

export interface AuditorRecorderOptions {
  /** The cluster the web view reads. */
  client: Client;
  /** The namespace the web view reads (`AUDIT_WEB_NAMESPACE`). Default `default`. */
  namespace?: string;
  /** The spool directory (`webSpoolDir` or `cliSpoolDir`): one process at a time. */
  spoolDir: string;
  /** The Ed25519 private key (PEM) that signs the producer's checkpoints (`producerSigningKey`). */
  signingKey: string;
  /** Where warnings go (events refused, the cluster away). */
  log: (line: string) => void;
  /** How long `close()` waits for delivery, in ms. Default 10000. */
  closeTimeoutMs?: number;
  /** Time limit of one bulk request, in ms. Default 30000. */
  requestTimeoutMs?: number;
}

export interface AuditorRecorder {
  /** The hook to give the web app (`onAuditorAction`): records the action, never throws. */
  hook: AuditorActionHook;
  /** Records one action; returns the event id, or undefined when it could not be recorded (the reason is logged). */
  record(action: AuditorAction): string | undefined;
  /** The typed recorder underneath (its producer id, stats, flush). */
  logger: AuditLogger;
  /** Drains for up to `closeTimeoutMs`; resolves to the number of events left in the spool for the next start. */
  close(): Promise<number>;
}

/**
 * Makes the auditors' recorder: `createAuditLogger` on the cluster and namespace the web view reads, writing with
 * service name `audit-trail-web` through a spool (producer id and sequence kept there). Every recorder of auditors'
 * actions is made here, so what every producer does to its events (chaining, signing) is added in this one place.
 * Throws the transport's ConfigurationError when the spool is held by another process.
 */
export function createAuditorRecorder(options: AuditorRecorderOptions): AuditorRecorder {
  let lastRetryWarning = 0;
  const logger = createAuditLogger({
    client: options.client,
    namespace: options.namespace ?? DEFAULT_NAMESPACE,
    spoolDir: options.spoolDir,
    signingKey: options.signingKey,
    serviceName: AUDITOR_SERVICE,
    redact: { keys: SECRET_KEYS },
    ...(options.closeTimeoutMs !== undefined ? { closeTimeoutMs: options.closeTimeoutMs } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    onWarning: (warning) => {
      if (warning.kind === 'retry') {
        if (Date.now() - lastRetryWarning < RETRY_WARNING_MS) return;
        lastRetryWarning = Date.now();
      }
      options.log(`[audit] auditors' events: ${warning.message}`);
    },
  });
  const record = (action: AuditorAction): string | undefined => {
    try {
      return logger.record(auditorEvent(action));
    } catch (error) {
      const why = error instanceof AuditValidationError ? error.message : `${(error as Error).message}`;
      options.log(`[audit] could not record the auditor action ${action.kind}: ${why}`);
      return undefined;
    }
  };
  return { hook: (action) => void record(action), record, logger, close: () => logger.close() };
}
