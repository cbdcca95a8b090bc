import { readFile, readdir } from 'node:fs/promises';
import request from 'supertest';
import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient, testOpenSearchUrl } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { storedDocuments } from '../helpers/documents.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { generatedFiles } from '../../src/dev/generate.js';
import { quotedExamples } from '../../src/dev/readme/readme-examples.js';
import type { AuditLogger } from '../../src/recorder/audit-logger.js';

const root = new URL('../../', import.meta.url);

describe('README examples are the executed code', () => {
  let client: Client;
  const namespace = freshNamespace();
  const saved = { url: process.env.OPENSEARCH_URL, ns: process.env.AUDIT_TRAIL_NAMESPACE };

  before(async () => {
    client = testClient();
    await setupAuditStorage(client, { namespace });
    // the examples read their cluster and namespace from the environment, as the README says
    process.env.OPENSEARCH_URL = testOpenSearchUrl();
    process.env.AUDIT_TRAIL_NAMESPACE = namespace;
  });
  after(async () => {
    for (const [key, value] of [['OPENSEARCH_URL', saved.url], ['AUDIT_TRAIL_NAMESPACE', saved.ns]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await dropNamespace(client, namespace);
  });

  describe('the README quotes every example file, unchanged', () => {
    it('quotes each file of examples/ and nothing else', async () => {
      const readme = await readFile(new URL('README.md', root), 'utf8');
      const files = (await readdir(new URL('examples/', root))).filter((f) => f.endsWith('.ts')).map((f) => `examples/${f}`);
      expect(quotedExamples(readme).sort()).to.deep.equal(files.sort());
    });

    it('the quoted code is the file’s current content (else run npm run generate)', async () => {
      const readme = (await generatedFiles()).find((f) => f.path === 'README.md')?.content;
      expect(await readFile(new URL('README.md', root), 'utf8')).to.equal(readme);
    });
  });

  describe('running each example writes its events', () => {
    it('examples/record.ts: the typed API records a write with a secret-safe diff and masked details', async () => {
      await import('../../examples/record.js');
      const [doc, ...rest] = await storedDocuments(client, namespace, { term: { 'service.name': 'billing' } });
      expect(rest).to.have.length(0);
      expect(doc?.event).to.include({ action: 'write', outcome: 'success' });
      expect(doc?.audit_trail.resource).to.deep.equal({ type: 'api_key', id: 'key-7', target: 'ci' });
      expect(doc?.audit_trail.diff.scopes).to.deep.equal({ old: ['read'], new: ['read', 'write'] });
      expect(doc?.audit_trail.diff.hashedSecret).to.include({ secret: true });
      expect(doc?.audit_trail.diff).to.not.have.property('lastUsedAt');
      expect(doc?.audit_trail.details['x-api-key']).to.equal('[REDACTED]');
      expect(JSON.stringify(doc)).to.not.match(/"h[12]"/);
    });

    it('examples/winston.ts: plain winston use with an `audit` field still works', async () => {
      await import('../../examples/winston.js');
      const docs = await storedDocuments(client, namespace, { term: { 'service.name': 'workspaces' } });
      expect(docs.map((d) => d.event.action)).to.deep.equal(['create']);
      expect(docs[0]?.http.request.id).to.equal('req-9');
    });

    it('examples/express.ts: the middleware records the declared stop with the actor and request id', async () => {
      const { app, audit } = (await import('../../examples/express.js')) as { app: import('express').Express; audit: AuditLogger };
      const res = await request(app).post('/workspaces/ws-42/stop').set('x-user-id', 'u-7').set('x-forwarded-for', '198.51.100.4').expect(200, { stopped: 'ws-42' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await audit.close();
      const docs = await storedDocuments(client, namespace, { term: { 'http.request.id': res.get('x-request-id') } });
      expect(docs).to.have.length(1);
      expect(docs[0]?.event.action).to.equal('stop');
      expect(docs[0]?.user.id).to.equal('u-7');
      expect(docs[0]?.client.ip).to.equal('198.51.100.4');
    });
  });
});
