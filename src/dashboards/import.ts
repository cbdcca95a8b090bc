// Imports the saved objects into a Dashboards instance through its saved-objects import API.
import { ConfigurationError } from '../model/errors.js';

/** Options of {@link importSavedObjects}. */
export interface ImportOptions {
  /** Base URL of OpenSearch Dashboards, e.g. `http://localhost:5601` (user:password in it become basic auth). Required. */
  url: string;
  /** The NDJSON content to import. Required. */
  ndjson: string;
  /** File name sent with the upload; must end in `.ndjson` (the route refuses others). Default `audit-trail.ndjson`. */
  fileName?: string;
  /** Replace objects that already exist (same type and id). Default `true`, so re-importing updates instead of failing. */
  overwrite?: boolean;
  /** Give up after this many milliseconds. Default `30000`. */
  timeoutMs?: number;
}

export const IMPORT_DEFAULTS = { fileName: 'audit-trail.ndjson', overwrite: true, timeoutMs: 30_000 } as const;

/** The import API's answer: `SavedObjectsImportResponse` in `src/core/server/saved_objects/import/types.ts`. */
export interface ImportResponse {
  success: boolean;
  successCount: number;
  successResults?: { id: string; type: string }[];
  errors?: { id: string; type: string; title?: string; meta?: { title?: string }; error: { type: string; message?: string; references?: { type: string; id: string }[] } }[];
}

/** The import did not happen or did not fully succeed; the message says why and what to do. */
export class DashboardsImportError extends Error {
  override readonly name = 'DashboardsImportError';
  constructor(
    message: string,
    /** HTTP status, when Dashboards answered. */
    readonly status?: number,
    /** The objects Dashboards refused, when it answered 200 with `success: false`. */
    readonly failed: readonly string[] = [],
  ) {
    super(message);
  }
}

function endpoint(base: string, overwrite: boolean): { url: URL; authorization?: string } {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new ConfigurationError('url', `must be an absolute http(s) URL of OpenSearch Dashboards, got ${JSON.stringify(base)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigurationError('url', `must use http or https, got ${url.protocol}`);
  let authorization: string | undefined;
  if (url.username || url.password) {
    authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  // Route: router prefix `/api/saved_objects/` (src/core/server/saved_objects/routes/index.ts) + path `/_import`
  // (src/core/server/saved_objects/routes/import.ts), where query `overwrite` is a boolean.
  const target = new URL(`${url.pathname.replace(/\/+$/, '')}/api/saved_objects/_import`, url);
  target.search = `overwrite=${overwrite}`;
  return { url: target, authorization };
}

function describeFailures(body: ImportResponse): string[] {
  return (body.errors ?? []).map((e) => {
    const title = e.meta?.title ?? e.title;
    const refs = e.error.references?.length ? ` (missing ${e.error.references.map((r) => `${r.type}:${r.id}`).join(', ')})` : '';
    const message = e.error.message ? `: ${e.error.message}` : '';
    return `${e.type}:${e.id}${title ? ` "${title}"` : ''} ${e.error.type}${refs}${message}`;
  });
}

/**
 * Posts the NDJSON to `POST <url>/api/saved_objects/_import?overwrite=true` as multipart/form-data with the file in
 * field `file` (route body schema `{ file: schema.stream() }`, `.ndjson` extension checked) and the `osd-xsrf` header
 * Dashboards requires on every non-GET API call (`XSRF_HEADER` in `src/core/server/http/lifecycle_handlers.ts`).
 * Resolves with the response when every object was imported; rejects with a {@link DashboardsImportError} otherwise.
 */
export async function importSavedObjects(options: ImportOptions): Promise<ImportResponse> {
  if (typeof options.ndjson !== 'string' || options.ndjson.trim() === '') throw new ConfigurationError('ndjson', 'must be the non-empty NDJSON content to import');
  const fileName = options.fileName ?? IMPORT_DEFAULTS.fileName;
  if (!fileName.toLowerCase().endsWith('.ndjson')) throw new ConfigurationError('fileName', `must end in .ndjson (Dashboards refuses other extensions), got ${JSON.stringify(fileName)}`);
  const timeoutMs = options.timeoutMs ?? IMPORT_DEFAULTS.timeoutMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new ConfigurationError('timeoutMs', `must be a positive integer of milliseconds, got ${String(timeoutMs)}`);
  const { url, authorization } = endpoint(options.url, options.overwrite ?? IMPORT_DEFAULTS.overwrite);

  const form = new FormData();
  form.append('file', new Blob([options.ndjson], { type: 'application/ndjson' }), fileName);
  const headers: Record<string, string> = { 'osd-xsrf': 'true' };
  if (authorization) headers.authorization = authorization;

  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body: form, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new DashboardsImportError(`cannot reach OpenSearch Dashboards at ${url.origin} (${why}): check OPENSEARCH_DASHBOARDS_URL and that Dashboards is running`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const message = (body as { message?: string } | undefined)?.message ?? (text.trim().slice(0, 500) || response.statusText);
    const hint =
      response.status === 401 || response.status === 403
        ? ' (put credentials in the URL: https://user:password@host:5601, and check the user may manage saved objects)'
        : response.status === 404
          ? ' (is this the Dashboards URL, with its base path if it has one?)'
          : '';
    throw new DashboardsImportError(`Dashboards refused the import: HTTP ${response.status}: ${message}${hint}`, response.status);
  }
  const result = body as ImportResponse | undefined;
  if (!result || typeof result.success !== 'boolean') {
    throw new DashboardsImportError(`unexpected answer from ${url.href} (HTTP ${response.status}): ${text.slice(0, 200)}; is this OpenSearch Dashboards?`, response.status);
  }
  if (!result.success) {
    const failed = describeFailures(result);
    throw new DashboardsImportError(
      `Dashboards imported ${result.successCount} object(s) but refused ${failed.length}:\n  ${failed.join('\n  ')}`,
      response.status,
      failed,
    );
  }
  return result;
}
