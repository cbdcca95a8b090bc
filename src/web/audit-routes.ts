// Manage > Audit: the list with filters, histogram and paging, one event, and the export; all behind the role middleware, each read by a signed-in user reported through the auditor-action hook.
import { Router, type Request, type Response } from 'express';
import type { Client } from '@opensearch-project/opensearch';
import { encodeCursor, getEventWithLink, listEvents } from '../query/list.js';
import { LINK_VERDICT_TEXT } from '../integrity/link-verdict.js';
import { eventHistogram } from '../query/histogram.js';
import { streamEvents } from '../query/export-stream.js';
import { formatQuery } from '../query/syntax.js';
import { AUDIT_ROLES } from '../model/vocabulary.js';
import type { UserStore } from './auth/users.js';
import { requireRole } from './require-role.js';
import { filterSearch, parsePageParams, type ParsedPage } from './filter-params.js';
import { withoutEmptyParams } from './clean-url.js';
import { pageView } from './page-view.js';
import { eventView } from './view-model.js';
import { EXPORT_FORMATS, exportFileName, streamExport, type ExportFormat } from './export.js';
import { reportAuditorAction, requestActor, requestSource, type AuditorAction, type AuditorActionHook, type AuditorActionKind } from './auditor-action.js';

export interface AuditRouteOptions {
  client: Client;
  users: UserStore;
  index?: string;
  pageSize: number;
  timeZone?: string;
  now: () => Date;
  csrfToken: (req: Request) => string;
  onAuditorAction?: AuditorActionHook;
}

/** Which read a path under /manage/audit is. */
const KINDS: readonly (readonly [RegExp, AuditorActionKind])[] = [
  [/^\/?$/, 'audit.list'],
  [/^\/events\/[^/]+$/, 'audit.event'],
  [/^\/export\.[a-z]+$/, 'audit.export'],
];

/** What a read of the audit log gives the hook, kept in `res.locals` by the route. */
type ReadTarget = AuditorAction['target'];
const targetOf = (res: Response): ReadTarget => (res.locals.auditTarget ?? {}) as ReadTarget;
const setTarget = (res: Response, target: ReadTarget): void => {
  res.locals.auditTarget = { ...targetOf(res), ...target };
};

/**
 * Reports every read of the list, an event or an export by a signed-in user once its answer is over: refused (a
 * member, a filter that does not parse, no such event, OpenSearch down, an export cut short) or answered. The
 * redirect of a list URL to its clean form is not a read (the page it leads to is).
 */
function reportReads(options: AuditRouteOptions) {
  return (req: Request, res: Response, next: () => void): void => {
    const kind = req.method === 'GET' ? KINDS.find(([pattern]) => pattern.test(req.path))?.[1] : undefined;
    const actor = kind && options.onAuditorAction ? requestActor(req, options.users) : undefined;
    if (kind && actor) {
      const time = options.now();
      res.on('close', () => {
        if (kind === 'audit.list' && res.statusCode === 303) return;
        const ok = res.statusCode < 400 && res.writableFinished;
        const reason = (res.locals.auditReason as string | undefined) ?? (res.statusCode >= 400 ? `HTTP ${res.statusCode}` : 'the answer was cut short');
        const rows = res.locals.exportedRows as number | undefined;
        reportAuditorAction(options.onAuditorAction, {
          kind, time, outcome: ok ? 'success' : 'failure', ...(ok ? {} : { reason }), actor,
          target: { ...targetOf(res), ...(rows !== undefined ? { rows } : {}), status: res.statusCode }, source: requestSource(req),
        });
      });
    }
    next();
  };
}

/** Every route under Manage > Audit (the access test walks them all). */
export const AUDIT_PATHS = ['/manage/audit', '/manage/audit/events/:id', '/manage/audit/export.csv', '/manage/audit/export.ndjson'] as const;

export function auditRoutes(options: AuditRouteOptions): Router {
  const router = Router();
  router.use('/manage/audit', reportReads(options), requireRole(options.users, AUDIT_ROLES));
  const parse = (req: Request, now: Date): ParsedPage => parsePageParams(req.query as Record<string, unknown>, { now, defaultSize: options.pageSize });
  const index = options.index ? { index: options.index } : {};

  router.get('/manage/audit', async (req, res) => {
    // A GET form sends its empty fields too: answer with the canonical URL instead.
    const canonical = withoutEmptyParams(req.originalUrl);
    if (canonical !== undefined) {
      res.redirect(303, canonical);
      return;
    }
    const now = options.now();
    const parsed = parse(req, now);
    setTarget(res, { query: formatQuery(parsed.filter), ...(parsed.after ? { after: encodeCursor(parsed.after) } : parsed.before ? { before: encodeCursor(parsed.before) } : {}) });
    if (parsed.errors.length) res.locals.auditReason = parsed.errors.join(' ');
    const started = process.hrtime.bigint();
    const [result, histogram] = parsed.errors.length
      ? [undefined, undefined]
      : await Promise.all([
          listEvents(options.client, { filter: parsed.filter, size: parsed.size, ...(parsed.after ? { after: parsed.after } : parsed.before ? { before: parsed.before } : {}), ...index }),
          eventHistogram(options.client, { filter: parsed.filter, now, ...index }),
        ]);
    if (result) setTarget(res, { rows: result.rows.length });
    // query = both searches as the handler waited for them; opensearch and histogram = OpenSearch's own `took` of each.
    res.setHeader('Server-Timing', `query;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)}${result ? `, opensearch;dur=${result.took}` : ''}${histogram ? `, histogram;dur=${histogram.took}` : ''}`);
    res.status(parsed.errors.length ? 400 : 200).render('audit', pageView(parsed, result, histogram, { pageSize: options.pageSize, csrf: options.csrfToken(req), ...(options.timeZone ? { timeZone: options.timeZone } : {}) }));
  });

  router.get('/manage/audit/events/:id', async (req, res) => {
    const id = req.params.id;
    setTarget(res, { eventId: id.slice(0, 128) });
    const found = /^[A-Za-z0-9-]{1,64}$/.test(id) ? await getEventWithLink(options.client, id, options.index) : undefined;
    if (!found) {
      res.locals.auditReason = 'no such event';
      res.status(404).render('message', { title: 'No such event', heading: 'No such event', message: `There is no audit event with the id '${id}'. It may have been removed by the retention policy.`, back: '/manage/audit' });
      return;
    }
    const { row, link } = found;
    res.render('event', { title: `Event ${row.id}`, csrf: options.csrfToken(req), row: eventView(row, options.timeZone), link: { status: link.status, verified: link.status === 'verified', text: LINK_VERDICT_TEXT[link.status] } });
  });

  const exportRoute = (format: ExportFormat) => async (req: Request, res: Response): Promise<void> => {
    const now = options.now();
    const parsed = parse(req, now);
    setTarget(res, { query: formatQuery(parsed.filter), format });
    if (parsed.errors.length) {
      res.locals.auditReason = parsed.errors.join(' ');
      res.status(400).render('message', { title: 'Cannot export', heading: 'Cannot export this filter', message: parsed.errors.join(' '), back: `/manage/audit${filterSearch(parsed.params)}` });
      return;
    }
    const rows = streamEvents(options.client, { filter: parsed.filter, ...index });
    await streamExport(res, rows, format, exportFileName(parsed.filter, format, now), { filter: formatQuery(parsed.filter), takenAt: now });
  };
  for (const format of EXPORT_FORMATS) router.get(`/manage/audit/export.${format}`, exportRoute(format));
  return router;
}
