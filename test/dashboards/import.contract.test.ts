// Contract test: no Dashboards runs here, so a local HTTP server checks each request against the documented
// import API (OpenSearch-Dashboards src/core/server/saved_objects/routes/import.ts, routes/index.ts,
// src/core/server/http/lifecycle_handlers.ts) and answers the way that route does.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from '../helpers/chai.js';
import { importSavedObjects, DashboardsImportError } from '../../src/dashboards/import.js';
import { importDashboardsFile } from '../../src/cli/dashboards.js';
import { ConfigurationError } from '../../src/model/errors.js';
import { committedNdjson } from './objects.js';

interface Captured {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  raw: Buffer;
  file?: File;
}

type Answer = (req: Captured) => { status: number; body: unknown };

/** What the route answers for a valid request: every object imported (shape of SavedObjectsImportResponse). */
const importAll: Answer = (req) => {
  const lines = (req.raw.toString('utf8').match(/^\{.*\}$/gm) ?? []).length;
  return { status: 200, body: { success: true, successCount: lines, successResults: [] } };
};

async function startServer(answer: Answer): Promise<{ server: Server; url: string; requests: Captured[] }> {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url!, 'http://localhost');
      const captured: Captured = { method: req.method!, path: url.pathname, query: url.searchParams, headers: req.headers, raw: Buffer.concat(chunks) };
      // Parse the multipart body with the platform's own parser (undici), as a server would.
      const form = await new Response(captured.raw, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData().catch(() => undefined);
      const file = form?.get('file');
      if (file instanceof File) captured.file = file;
      requests.push(captured);
      const { status, body } = answer(captured);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('Dashboards import (contract test against a local stand-in for the saved-objects API)', () => {
  describe('the request matches the documented import API', () => {
    let stub: Awaited<ReturnType<typeof startServer>>;
    before(async () => {
      stub = await startServer(importAll);
    });
    after(() => close(stub.server));

    it('POSTs the committed file to /api/saved_objects/_import?overwrite=true as multipart field "file" with osd-xsrf', async () => {
      const ndjson = committedNdjson();
      const lines: string[] = [];
      await importDashboardsFile(stub.url, (line) => lines.push(line));
      expect(lines.at(-1)).to.include(`imported ${ndjson.trim().split('\n').length} saved objects`);
      const req = stub.requests.at(-1)!;
      expect(req.method).to.equal('POST');
      expect(req.path).to.equal('/api/saved_objects/_import');
      expect([...req.query.entries()]).to.deep.equal([['overwrite', 'true']]);
      expect(req.headers['osd-xsrf']).to.equal('true');
      expect(req.headers['content-type']).to.match(/^multipart\/form-data; boundary=.+/);
      expect(req.raw.toString('utf8')).to.match(/Content-Disposition: form-data; name="file"; filename="audit-trail\.ndjson"/);
      expect(req.file, 'multipart field "file"').to.be.instanceOf(File);
      expect(req.file!.name).to.match(/\.ndjson$/);
      expect(await req.file!.text()).to.equal(ndjson);
    });

    it('resolves with the server\'s counts', async () => {
      const ndjson = committedNdjson();
      const result = await importSavedObjects({ url: stub.url, ndjson });
      expect(result).to.include({ success: true, successCount: ndjson.trim().split('\n').length });
    });

    it('keeps a base path, and turns user:password in the URL into basic auth instead of sending it in the URL', async () => {
      const base = stub.url.replace('http://', 'http://sre:s%3Acret@') + '/dashboards/';
      await importSavedObjects({ url: base, ndjson: committedNdjson() });
      const req = stub.requests.at(-1)!;
      expect(req.path).to.equal('/dashboards/api/saved_objects/_import');
      expect(req.headers.authorization).to.equal(`Basic ${Buffer.from('sre:s:cret').toString('base64')}`);
    });

    it('sends overwrite=false when asked', async () => {
      await importSavedObjects({ url: stub.url, ndjson: committedNdjson(), overwrite: false });
      expect(stub.requests.at(-1)!.query.get('overwrite')).to.equal('false');
    });
  });

  describe('errors say what went wrong and what to do', () => {
    it('an unreachable URL', async () => {
      const { server, url } = await startServer(importAll);
      await close(server); // the port is now closed
      const p = importSavedObjects({ url, ndjson: committedNdjson() });
      await expect(p).to.be.rejectedWith(DashboardsImportError, /cannot reach OpenSearch Dashboards at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): check OPENSEARCH_DASHBOARDS_URL/);
    });

    it('a 4xx carries the server\'s own message', async () => {
      const stub = await startServer(() => ({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'Invalid file extension .txt' } }));
      try {
        await expect(importSavedObjects({ url: stub.url, ndjson: committedNdjson() })).to.be.rejectedWith(DashboardsImportError, 'Dashboards refused the import: HTTP 400: Invalid file extension .txt');
      } finally {
        await close(stub.server);
      }
    });

    it('a 401 says how to give credentials', async () => {
      const stub = await startServer(() => ({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'Authentication required' } }));
      try {
        await expect(importSavedObjects({ url: stub.url, ndjson: committedNdjson() })).to.be.rejectedWith(/HTTP 401: Authentication required \(put credentials in the URL/);
      } finally {
        await close(stub.server);
      }
    });

    it('success: false lists every refused object and why', async () => {
      const stub = await startServer(() => ({
        status: 200,
        body: {
          success: false,
          successCount: 18,
          errors: [
            { id: 'audit-trail-search-deletions', type: 'search', meta: { title: 'Audit: deletions' }, error: { type: 'missing_references', references: [{ type: 'index-pattern', id: 'audit-trail-events' }] } },
            { id: 'audit-trail-overview', type: 'dashboard', meta: { title: 'Audit trail' }, error: { type: 'unknown', message: 'boom', statusCode: 500 } },
          ],
        },
      }));
      try {
        const p = importSavedObjects({ url: stub.url, ndjson: committedNdjson() });
        await expect(p).to.be.rejectedWith(DashboardsImportError, /imported 18 object\(s\) but refused 2:/);
        const error = (await p.catch((e: unknown) => e)) as DashboardsImportError;
        expect(error.failed).to.deep.equal([
          'search:audit-trail-search-deletions "Audit: deletions" missing_references (missing index-pattern:audit-trail-events)',
          'dashboard:audit-trail-overview "Audit trail" unknown: boom',
        ]);
      } finally {
        await close(stub.server);
      }
    });

    it('bad options are ConfigurationErrors naming the option', async () => {
      await expect(importSavedObjects({ url: 'localhost:5601', ndjson: '{}' })).to.be.rejectedWith(ConfigurationError, /option "url" must use http or https/);
      await expect(importSavedObjects({ url: 'not a url', ndjson: '{}' })).to.be.rejectedWith(ConfigurationError, /option "url"/);
      await expect(importSavedObjects({ url: 'http://x', ndjson: ' ' })).to.be.rejectedWith(ConfigurationError, /option "ndjson"/);
      await expect(importSavedObjects({ url: 'http://x', ndjson: '{}', fileName: 'a.json' })).to.be.rejectedWith(ConfigurationError, /option "fileName" must end in \.ndjson/);
      await expect(importSavedObjects({ url: 'http://x', ndjson: '{}', timeoutMs: 0 })).to.be.rejectedWith(ConfigurationError, /option "timeoutMs"/);
    });
  });
});
