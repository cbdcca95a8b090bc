// Example "workspace platform": an Express app whose routes emit all 14 audit actions through `auditTrail()`.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { auditTrail } from '../../recorder/middleware.js';
import type { AuditSink } from '../../recorder/audit-logger.js';
import { createStore, type Store } from './model.js';
import { actorOf, type ServiceContext } from './context.js';
import { peopleRoutes } from './routes-people.js';
import { workspaceRoutes } from './routes-workspaces.js';
import { runScheduler, type SchedulerPass } from './scheduler.js';

/** Options of `createWorkspacePlatform`. */
export interface WorkspacePlatformOptions {
  /** Where audit events go (`createAuditLogger(...)`). Required. */
  sink: AuditSink;
  /** Key of the HMAC over secret fields in diffs (at least 16 bytes). Required. */
  hmacKey: string | Buffer;
  /** Clock of the service (event times, timestamps of resources). Default: `() => new Date()`. */
  clock?: () => Date;
  /** Express `trust proxy` setting, so `req.ip` is the client behind your proxy. Default: `loopback`. */
  trustProxy?: boolean | string | number;
  /** Told when auditing fails; responses are never affected. Default: `console.warn`. */
  onAuditError?: (error: unknown) => void;
}

/** The running example: the Express app, its store, and a scheduler pass to call on a timer. */
export interface WorkspacePlatform {
  app: Express;
  store: Store;
  /** Runs one scheduler pass now (auto_off / auto_start with the system actor). */
  runScheduler(): SchedulerPass;
  /** Runs a scheduler pass every `everyMs` (default 60000); returns a function that stops it. */
  startScheduler(everyMs?: number): () => void;
}

/** Builds the example service. Listen with `platform.app.listen(port)`; call `runScheduler()` on a timer. */
export function createWorkspacePlatform(options: WorkspacePlatformOptions): WorkspacePlatform {
  const clock = options.clock ?? (() => new Date());
  const ctx: ServiceContext = { store: createStore(clock()), clock, hmacKey: options.hmacKey, who: new WeakMap() };
  const app = express();
  app.set('trust proxy', options.trustProxy ?? 'loopback');
  app.use(express.json({ limit: '64kb' }));
  app.use(
    auditTrail({
      sink: options.sink,
      clock,
      actor: (req) => {
        const user = ctx.who.get(req);
        return user ? actorOf(user) : undefined;
      },
      ...(options.onAuditError ? { onError: options.onAuditError } : {}),
    }),
  );
  app.use(peopleRoutes(ctx));
  app.use(workspaceRoutes(ctx));
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'no such route' });
  });
  app.use((error: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500;
    res.status(status).json({ error: error.message });
  });
  return {
    app,
    store: ctx.store,
    runScheduler: () => runScheduler(ctx, options.sink, options.onAuditError),
    startScheduler(everyMs = 60_000) {
      const timer = setInterval(() => runScheduler(ctx, options.sink, options.onAuditError), everyMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
