// GET /api/v1/events (the page's filter language, cursor paging) and GET /api/v1/events/{id}: stored documents as JSON, secrets redacted.
import { Router, type Request, type Response } from 'express';
import type { Client } from '@opensearch-project/opensearch';
import { FILTER_KEYS } from '../../query/filter-keys.js';
import { encodeCursor, getEvent, listEvents } from '../../query/list.js';
import { formatQuery } from '../../query/syntax.js';
import { filterSearch, parsePageParams } from '../filter-params.js';
import { redactDocument } from '../view-model.js';
import { sendApiError } from './bearer-auth.js';

/** Rows per page when `size` is not given, and at most. */
export const API_PAGE_SIZE = { default: 100, max: 1000 } as const;
/** Query parameters besides one per filter key. */
export const API_LIST_PARAMS = ['q', 'range', 'after', 'before', 'size'] as const;
/** Every query parameter `GET /api/v1/events` takes; others are refused (a typo must not widen the answer). */
export const apiListParams = (): string[] => [...FILTER_KEYS.map((key) => key.name), ...API_LIST_PARAMS];
/** Event ids look like this (UUIDv7 and the like); anything else is not looked up. */
export const EVENT_ID = /^[A-Za-z0-9-]{1,64}$/;

/** What the audit hook hears of a call, set by the handlers on `res.locals.auditTarget`. */
export interface ApiCallTarget {
  query?: string;
  after?: string;
  before?: string;
  eventId?: string;
  rows?: number;
}

export interface EventRouteOptions {
  client: Client;
  index?: string;
  now: () => Date;
}

const setTarget = (res: Response, target: ApiCallTarget): void => {
  res.locals.auditTarget = target;
};

export function eventRoutes(options: EventRouteOptions): Router {
  const router = Router();
  const index = options.index ? { index: options.index } : {};

  router.get('/v1/events', async (req: Request, res: Response) => {
    const query = req.query as Record<string, unknown>;
    const known = apiListParams();
    const unknown = Object.keys(query).filter((name) => !known.includes(name));
    const parsed = parsePageParams(query, { now: options.now(), defaultSize: API_PAGE_SIZE.default, maxSize: API_PAGE_SIZE.max });
    const errors = [...unknown.map((name) => `unknown parameter '${name}': use ${known.join(', ')}`), ...parsed.errors];
    // The filter as understood when it parses, else the search text as sent.
    const asked = errors.length ? (typeof query.q === 'string' ? query.q : undefined) : formatQuery(parsed.filter);
    setTarget(res, {
      ...(asked !== undefined ? { query: asked } : {}),
      ...(parsed.after ? { after: encodeCursor(parsed.after) } : {}),
      ...(parsed.before ? { before: encodeCursor(parsed.before) } : {}),
    });
    if (errors.length) {
      sendApiError(res, 'bad_request', 'the filter could not be used', errors);
      return;
    }
    const result = await listEvents(options.client, { filter: parsed.filter, size: parsed.size, ...(parsed.after ? { after: parsed.after } : parsed.before ? { before: parsed.before } : {}), ...index });
    const sized: Record<string, string> = parsed.size !== API_PAGE_SIZE.default ? { size: String(parsed.size) } : {};
    const link = (key: 'after' | 'before', cursor: readonly [number, string] | undefined): string | null =>
      cursor ? `${req.baseUrl}/v1/events${filterSearch(parsed.params, { [key]: encodeCursor(cursor), ...sized })}` : null;
    (res.locals.auditTarget as ApiCallTarget).rows = result.rows.length;
    res.setHeader('Server-Timing', `opensearch;dur=${result.took}`);
    res.json({
      events: result.rows.map((row) => redactDocument(row.document)),
      total: result.total,
      query: formatQuery(parsed.filter),
      next: result.next ? encodeCursor(result.next) : null,
      prev: result.prev ? encodeCursor(result.prev) : null,
      links: { next: link('after', result.next), prev: link('before', result.prev) },
    });
  });

  router.get('/v1/events/:id', async (req: Request, res: Response) => {
    const id = String(req.params.id);
    setTarget(res, { eventId: id });
    const row = EVENT_ID.test(id) ? await getEvent(options.client, id, options.index) : undefined;
    if (!row) {
      sendApiError(res, 'not_found', `there is no audit event with the id '${id}'; it may have been removed by the retention policy`);
      return;
    }
    (res.locals.auditTarget as ApiCallTarget).rows = 1;
    res.json({ event: redactDocument(row.document) });
  });
  return router;
}
