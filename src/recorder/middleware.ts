// Express middleware `auditTrail()`: request context (actor, IP, user agent, request id), `req.audit(...)`, events written when the response finishes.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import { ConfigurationError } from '../model/errors.js';
import type { AuditSink } from './audit-logger.js';
import { eventOf, type AuditActor, type AuditDeclaration } from './declaration.js';
import './express-request.js';

/** Options of `auditTrail()`. */
export interface AuditTrailOptions {
  /** Where events go: an `AuditLogger` from `createAuditLogger`, or any `{ record(event) }`. Required. */
  sink: AuditSink;
  /**
   * Who is acting, from the request (called when the response finishes, so a login handler can set
   * the user first; may be async). Return undefined for an anonymous request. Default: anonymous.
   */
  actor?: (req: Request) => AuditActor | undefined | Promise<AuditActor | undefined>;
  /** Actor used when the resolver returns nothing or throws. Default: `{ id: 'anonymous', name: 'anonymous' }`. */
  anonymousActor?: AuditActor;
  /** Header that carries the request id, read from the request and echoed in the response. Default: `x-request-id`. */
  requestIdHeader?: string;
  /** Makes a request id when the request has none (or an unusable one). Default: UUIDv7. */
  generateRequestId?: () => string;
  /** Clock giving the event time (taken when the request arrives). Default: `() => new Date()`. */
  clock?: () => Date;
  /** Told when auditing fails (resolver or sink threw); the response is never affected. Default: `console.warn`. */
  onError?: (error: unknown, req: Request) => void;
}

const warnOf = (error: unknown): void => console.warn(`[audit] could not record the request's audit event: ${(error as Error)?.message ?? String(error)}`);
const REQUEST_ID = /^[\w.:@+=/-]{1,200}$/;

/** Validates options and fills the defaults. */
function resolveOptions(options: AuditTrailOptions) {
  if (!options || typeof options.sink?.record !== 'function') {
    throw new ConfigurationError('sink', 'is required: pass the logger from createAuditLogger(...) (or any object with a record(event) method)');
  }
  const header = (options.requestIdHeader ?? 'x-request-id').toLowerCase();
  if (!/^[a-z0-9-]+$/.test(header)) throw new ConfigurationError('requestIdHeader', `must be an HTTP header name such as "x-request-id", got ${JSON.stringify(options.requestIdHeader)}`);
  for (const name of ['actor', 'generateRequestId', 'clock', 'onError'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new ConfigurationError(name, 'must be a function');
  }
  return {
    sink: options.sink,
    actor: options.actor ?? (() => undefined),
    anonymous: options.anonymousActor ?? { id: 'anonymous', name: 'anonymous' },
    header,
    generate: options.generateRequestId ?? uuidv7,
    clock: options.clock ?? (() => new Date()),
    onError: (error: unknown, req: Request): void => {
      try {
        (options.onError ?? warnOf)(error, req);
      } catch {
        // an error reporter that throws must not break the response either
      }
    },
  };
}

/**
 * Express middleware: gives handlers `req.audit(declaration)` and `req.auditRequestId`, echoes the
 * request id, and writes the declared events once the response has finished, with the outcome from
 * the status (2xx/3xx success, 4xx/5xx failure). A handler that throws after declaring gets a
 * failure (Express answers 500). Auditing never delays or breaks the response: errors go to `onError`.
 */
export function auditTrail(options: AuditTrailOptions): RequestHandler {
  const settings = resolveOptions(options);
  return function auditTrailMiddleware(req: Request, res: Response, next: NextFunction): void {
    const time = settings.clock();
    // read now: once the response is finished the socket may be gone (req.ip then is undefined)
    const ip = req.ip;
    const userAgent = req.get('user-agent');
    const given = req.get(settings.header);
    let requestId: string;
    try {
      requestId = given && REQUEST_ID.test(given) ? given : settings.generate();
    } catch (error) {
      settings.onError(error, req);
      requestId = uuidv7();
    }
    req.auditRequestId = requestId;
    res.setHeader(settings.header, requestId);
    const declared: AuditDeclaration[] = [];
    let written = false;
    req.audit = (declaration) => {
      if (written) {
        settings.onError(new Error(`req.audit(${JSON.stringify(declaration?.action)}) was called after the request's events were written: declare before (or right when) responding`), req);
        return;
      }
      declared.push(declaration);
    };
    let done = false;
    const write = (aborted: boolean): void => {
      if (done) return;
      done = true;
      // After the response: nothing here may throw into Express or delay the client.
      setImmediate(() => {
        written = true;
        if (!declared.length) return;
        void resolveActor().then((actor) => {
          for (const declaration of declared) {
            try {
              const result = settings.sink.record(eventOf(declaration, {
                time,
                actor,
                ip,
                userAgent,
                requestId,
                status: res.statusCode,
                statusMessage: res.statusMessage,
                aborted,
              }));
              if (result instanceof Promise) result.catch((error: unknown) => settings.onError(error, req));
            } catch (error) {
              settings.onError(error, req);
            }
          }
        });
      });
    };
    const resolveActor = async (): Promise<AuditActor> => {
      try {
        return (await settings.actor(req)) ?? settings.anonymous;
      } catch (error) {
        settings.onError(error, req);
        return settings.anonymous;
      }
    };
    res.once('finish', () => write(false));
    res.once('close', () => write(!res.writableFinished));
    next();
  };
}
