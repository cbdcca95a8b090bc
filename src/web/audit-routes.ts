// Manage > Audit: the list with filters and paging, one event, and the export; all behind the role middleware.
import { Router, type Request, type Response } from 'express';
import type { Client } from '@opensearch-project/opensearch';
import { encodeCursor, getEvent, listEvents, type ListResult } from '../query/list.js';
import { streamEvents } from '../query/export-stream.js';
import { formatQuery } from '../query/syntax.js';
import { AUDIT_ROLES } from '../model/vocabulary.js';
import type { UserStore } from './auth/users.js';
import { requireRole } from './require-role.js';
import { filterSearch, parsePageParams, type ParsedPage } from './filter-params.js';
import { filterControls } from './filter-form.js';
import { rowView } from './view-model.js';
import { EXPORT_FORMATS, exportFileName, streamExport, type ExportFormat } from './export.js';

export interface AuditRouteOptions {
  client: Client;
  users: UserStore;
  index?: string;
  pageSize: number;
  timeZone?: string;
  now: () => Date;
  csrfToken: (req: Request) => string;
}

/** Every route under Manage > Audit (the access test walks them all). */
export const AUDIT_PATHS = ['/manage/audit', '/manage/audit/events/:id', '/manage/audit/export.csv', '/manage/audit/export.ndjson'] as const;

function pageView(parsed: ParsedPage, result: ListResult | undefined, options: AuditRouteOptions, req: Request) {
  const { params } = parsed;
  const total = result ? `${result.total.value.toLocaleString('en')}${result.total.relation === 'gte' ? '+' : ''}` : '';
  return {
    title: 'Manage > Audit',
    csrf: options.csrfToken(req),
    params,
    errors: parsed.errors,
    controls: filterControls(params),
    rows: result?.rows.map((row) => rowView(row, options.timeZone)) ?? [],
    total,
    searched: !!result,
    took: result?.took,
    newer: result?.prev ? `/manage/audit${filterSearch(params, { before: encodeCursor(result.prev), ...(parsed.size !== options.pageSize ? { size: String(parsed.size) } : {}) })}` : undefined,
    older: result?.next ? `/manage/audit${filterSearch(params, { after: encodeCursor(result.next), ...(parsed.size !== options.pageSize ? { size: String(parsed.size) } : {}) })}` : undefined,
    first: parsed.after || parsed.before ? `/manage/audit${filterSearch(params)}` : undefined,
    exportCsv: `/manage/audit/export.csv${filterSearch(params)}`,
    exportNdjson: `/manage/audit/export.ndjson${filterSearch(params)}`,
    query: formatQuery(parsed.filter),
  };
}

export function auditRoutes(options: AuditRouteOptions): Router {
  const router = Router();
  router.use('/manage/audit', requireRole(options.users, AUDIT_ROLES));
  const parse = (req: Request): ParsedPage => parsePageParams(req.query as Record<string, unknown>, { now: options.now(), defaultSize: options.pageSize });

  router.get('/manage/audit', async (req, res) => {
    const parsed = parse(req);
    const started = process.hrtime.bigint();
    const result = parsed.errors.length
      ? undefined
      : await listEvents(options.client, { filter: parsed.filter, size: parsed.size, ...(parsed.after ? { after: parsed.after } : parsed.before ? { before: parsed.before } : {}), ...(options.index ? { index: options.index } : {}) });
    res.setHeader('Server-Timing', `query;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)}${result ? `, opensearch;dur=${result.took}` : ''}`);
    res.status(parsed.errors.length ? 400 : 200).render('audit', pageView(parsed, result, options, req));
  });

  router.get('/manage/audit/events/:id', async (req, res) => {
    const id = req.params.id;
    const row = /^[A-Za-z0-9-]{1,64}$/.test(id) ? await getEvent(options.client, id, options.index) : undefined;
    if (!row) {
      res.status(404).render('message', { title: 'No such event', heading: 'No such event', message: `There is no audit event with the id '${id}'. It may have been removed by the retention policy.`, back: '/manage/audit' });
      return;
    }
    res.render('event', { title: `Event ${row.id}`, csrf: options.csrfToken(req), row: rowView(row, options.timeZone) });
  });

  const exportRoute = (format: ExportFormat) => async (req: Request, res: Response): Promise<void> => {
    const parsed = parse(req);
    if (parsed.errors.length) {
      res.status(400).render('message', { title: 'Cannot export', heading: 'Cannot export this filter', message: parsed.errors.join(' '), back: `/manage/audit${filterSearch(parsed.params)}` });
      return;
    }
    const rows = streamEvents(options.client, { filter: parsed.filter, ...(options.index ? { index: options.index } : {}) });
    await streamExport(res, rows, format, exportFileName(parsed.filter, format, options.now()));
  };
  for (const format of EXPORT_FORMATS) router.get(`/manage/audit/export.${format}`, exportRoute(format));
  return router;
}
