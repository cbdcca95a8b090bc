// `audit-trail dashboards import` against a local stand-in for the Dashboards saved-objects import API, which checks the request.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from '../helpers/chai.js';
import { committedNdjson } from '../dashboards/objects.js';
import { cliEnv, runCli, URL_SECRET } from './run-cli.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  file?: string;
}

async function standIn(status: number, body: unknown): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData().catch(() => undefined);
      const file = form?.get('file');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, ...(file instanceof File && { file: await file.text() }) });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('audit-trail dashboards import', function () {
  this.timeout(60_000);
  const servers: Server[] = [];
  after(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

  it('posts the saved objects as multipart "file" with osd-xsrf and basic auth from the URL, printing neither password (exit 0)', async () => {
    const lines = committedNdjson().trim().split('\n').length;
    const stub = await standIn(200, { success: true, successCount: lines });
    servers.push(stub.server);
    const withAuth = stub.url.replace('://', `://sre:${URL_SECRET}@`);
    const r = await runCli(['dashboards', 'import', '--url', withAuth]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.include(`imported ${lines} saved objects`).and.include(`${stub.url}/app/dashboards`);
    const req = stub.seen.at(-1)!;
    expect(req.method).to.equal('POST');
    expect(req.url).to.equal('/api/saved_objects/_import?overwrite=true');
    expect(req.headers['osd-xsrf']).to.equal('true');
    expect(req.headers.authorization).to.equal(`Basic ${Buffer.from(`sre:${URL_SECRET}`).toString('base64')}`);
    expect(req.file).to.equal(committedNdjson());
  });

  it('takes the URL from OPENSEARCH_DASHBOARDS_URL', async () => {
    const stub = await standIn(200, { success: true, successCount: 1 });
    servers.push(stub.server);
    const r = await runCli(['dashboards', 'import'], { env: cliEnv({ OPENSEARCH_DASHBOARDS_URL: stub.url }) });
    expect(r.code, r.stderr).to.equal(0);
    expect(stub.seen).to.have.length(1);
  });

  it('a refusal (401) exits 1 with what to do; no URL exits 2', async () => {
    const stub = await standIn(401, { statusCode: 401, error: 'Unauthorized', message: 'Authentication required' });
    servers.push(stub.server);
    const refused = await runCli(['dashboards', 'import', '--url', stub.url]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('HTTP 401: Authentication required (put credentials in the URL');
    const none = await runCli(['dashboards', 'import']);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.include('give the Dashboards URL: --url http://localhost:5601 or OPENSEARCH_DASHBOARDS_URL');
  });
});
