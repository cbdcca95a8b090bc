// Live tail of Manage > Audit: server-sent events saying how many new events match the page's filter (reads of the audit log excepted); ends when the session does.
import { Router, type Request, type Response } from 'express';
import type { Client } from '@opensearch-project/opensearch';
import { AUDIT_ROLES } from '../model/vocabulary.js';
import type { AuditRow } from '../model/row.js';
import { decodeCursor, listNewer, type Cursor } from '../query/list.js';
import type { UserStore } from './auth/users.js';
import { parsePageParams } from './filter-params.js';
import { requireRole } from './require-role.js';
import { userOfSession } from './oidc/sso-session.js';
import { TailReads } from './tail-reads.js';

/** Where the page's script listens. */
export const LIVE_TAIL_PATH = '/manage/audit/live';

export interface LiveTailOptions {
  /** How often each open tail asks for new events, in ms; tails of the same filter asking within half of it share one search. Default 2000. */
  pollMs?: number;
  /** How often a comment keeps idle proxies from closing the stream, in ms. Default 15000. */
  heartbeatMs?: number;
}

export interface LiveTailRouteOptions extends LiveTailOptions {
  client: Client;
  users: UserStore;
  index?: string;
  now: () => Date;
  /** True while the server drains: open tails end. */
  stopping: () => boolean;
  /** A session ends this long after sign-in (the session middleware's absolute lifetime); so does its tail. */
  sessionAbsoluteMs: number;
}

/** Reasons an open tail ends, sent as the data of the last `end` event. */
export type TailEnd = 'signed-out' | 'not-allowed' | 'server-stopping';

/** New events read per poll (more wait for the next one). */
const BATCH = 200;

const send = (res: Response, event: string, data: unknown): void => {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
};

/** A read of the audit log recorded by the web view (or the API): `view` of an `audit_log`. */
export const isAuditLogRead = (row: AuditRow): boolean => row.action === 'view' && row.resource.type === 'audit_log';

/** The session's user as the store has it now (undefined once the session has ended). */
function currentUser(req: Request, users: UserStore, absoluteMs: number): Promise<ReturnType<typeof userOfSession>> {
  return new Promise((resolve) => {
    req.sessionStore.get(req.sessionID, (error, session) => {
      const alive = !error && session && Date.now() - (session.signedInAt ?? 0) < absoluteMs;
      resolve(alive ? userOfSession(session, users) : undefined);
    });
  });
}

export function liveTailRoutes(options: LiveTailRouteOptions): Router {
  const router = Router();
  const pollMs = options.pollMs ?? 2000;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const reads = new TailReads(pollMs / 2);

  router.get(LIVE_TAIL_PATH, requireRole(options.users, AUDIT_ROLES), async (req, res) => {
    if (!(req.get('accept') ?? '').includes('text/event-stream')) {
      res.type('text/plain').send('This address streams new audit events to Manage > Audit (text/event-stream).');
      return;
    }
    const query = req.query as Record<string, unknown>;
    const parsed = parsePageParams(query, { now: options.now(), defaultSize: 1 });
    const since = typeof query.since === 'string' ? decodeCursor(query.since) : undefined;
    if (parsed.errors.length || !since) {
      res.status(400).type('text/plain').send(parsed.errors.join(' ') || "give 'since': the position of the newest event shown");
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: ${Math.max(pollMs, 3000)}\n\n`);

    const filterKey = JSON.stringify(parsed.filter);
    const read = (after: Cursor) => listNewer(options.client, { filter: parsed.filter, since: after, size: BATCH, ...(options.index ? { index: options.index } : {}) });
    let cursor: Cursor = since;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
    const stop = (reason?: TailEnd): void => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      clearInterval(heartbeat);
      if (reason) send(res, 'end', { reason });
      res.end();
    };
    req.on('close', () => stop());

    const poll = async (): Promise<void> => {
      if (options.stopping()) return stop('server-stopping');
      const user = await currentUser(req, options.users, options.sessionAbsoluteMs);
      if (!user) return stop('signed-out');
      if (!(AUDIT_ROLES as readonly string[]).includes(user.role)) return stop('not-allowed');
      try {
        const result = await reads.newer(filterKey, cursor, read);
        const newest = result.rows[0];
        if (newest && !closed) cursor = [newest.time.getTime(), newest.id];
        // Reads of the audit log do not wake a tail: the page's fetch of the new rows is itself a read, which would
        // wake this tail (and every other open one) again, forever. They show with the next other event, or on reload.
        const fresh = result.rows.filter((row) => !isAuditLogRead(row));
        if (fresh.length && !closed) send(res, 'events', { count: fresh.length, ids: fresh.map((row) => row.id), more: result.more });
      } catch (error) {
        // OpenSearch away for a moment: say so, and keep trying.
        if (!closed) send(res, 'paused', { reason: (error as Error).name });
      }
      if (!closed) timer = setTimeout(() => void poll(), pollMs);
    };
    timer = setTimeout(() => void poll(), Math.min(pollMs, 500));
  });
  return router;
}
