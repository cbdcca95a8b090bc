// The OpenAPI document the app serves: valid OpenAPI 3.1, its parameters from the filter-key table, and every real answer matching its schema.
import type { Client } from '@opensearch-project/opensearch';
import type Database from 'better-sqlite3';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { dataStreamName } from '../../src/storage/template.js';
import type { AuditEvent } from '../../src/model/event.js';
import { openWebDatabase } from '../../src/web/auth/data.js';
import { TokenStore } from '../../src/web/api/token-store.js';
import { apiListParams } from '../../src/web/api/event-routes.js';
import { seedEvents, startHarness, type Harness } from './harness.js';
import { NOW, knownEvents } from './known-events.js';

type Doc = { paths: Record<string, { get: { parameters: { name: string }[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }> } }> };

describe('web API: the OpenAPI document against the real answers', () => {
  let client: Client;
  const namespace = freshNamespace();
  let events: AuditEvent[];
  let h: Harness;
  let db: Database.Database;
  let doc: Doc;
  const token: Record<string, string> = {};

  before(async () => {
    client = testClient();
    events = await seedEvents(client, namespace, knownEvents());
    h = await startHarness(client, dataStreamName(namespace), { now: () => NOW, apiRateLimit: { max: 8 } });
    db = openWebDatabase(h.dataDir);
    const tokens = new TokenStore(db);
    token.auditor = tokens.create('doc-auditor', 'auditor', '90d', NOW).secret;
    token.member = tokens.create('doc-member', 'member', '90d', NOW).secret;
    token.limited = tokens.create('doc-limited', 'auditor', '90d', NOW).secret;
    const res = await fetch(`${h.web.url}/api/v1/openapi.json`);
    expect(res.status).to.equal(200);
    doc = (await res.json()) as Doc;
  });
  after(async () => {
    db?.close();
    await h?.close();
    await dropNamespace(client, namespace);
  });

  it('is served without a token and is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).to.deep.equal([]);
    expect(result.valid).to.equal(true);
  });

  it('documents exactly the parameters the list takes (one per filter key, q, range, after, before, size)', () => {
    expect(doc.paths['/api/v1/events']!.get.parameters.map((p) => p.name).sort()).to.deep.equal(apiListParams().sort());
  });

  describe('every answer matches the schema the document gives for its path and status', () => {
    /** The schema the document gives for an answer, compiled. */
    const schemaOf = (template: string, status: number) => {
      expect(doc.paths[template]!.get.responses[String(status)], `${template} documents ${status}`).to.not.equal(undefined);
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      ajv.addSchema({ ...(doc as object), $id: 'openapi.json' } as never);
      return ajv.compile({ $ref: `openapi.json#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/${status}/content/application~1json/schema` });
    };
    const checkAgainstDoc = async (template: string, path: string, secret: string | undefined, status: number): Promise<void> => {
      const res = await fetch(h.web.url + path, { headers: secret ? { authorization: `Bearer ${secret}` } : {} });
      expect(res.status, path).to.equal(status);
      expect(res.headers.get('content-type')).to.match(/^application\/json/);
      const validate = schemaOf(template, status);
      const body: unknown = await res.json();
      expect(validate(body), JSON.stringify(validate.errors)).to.equal(true);
    };

    it('the schemas are strict enough to catch an answer that drifted', async () => {
      const res = await fetch(`${h.web.url}/api/v1/events?size=2`, { headers: { authorization: `Bearer ${token.auditor}` } });
      const body = (await res.json()) as Record<string, unknown>;
      const validate = schemaOf('/api/v1/events', 200);
      expect(validate(body)).to.equal(true);
      const { next: _next, ...withoutNext } = body;
      expect(validate(withoutNext)).to.equal(false);
      expect(validate({ ...body, extra: 1 })).to.equal(false);
      expect(validate({ ...body, events: [{ event: { id: 'x' } }] }), 'an event without @timestamp').to.equal(false);
    });
    const id = (): string => events[5]!.id;
    const cases: [string, string, () => string, () => string | undefined, number][] = [
      ['a page of events', '/api/v1/events', () => '/api/v1/events?size=3&action=login&action=write', () => token.auditor, 200],
      ['the last page (no next cursor)', '/api/v1/events', () => '/api/v1/events?size=1000', () => token.auditor, 200],
      ['an empty page', '/api/v1/events', () => '/api/v1/events?from=2030-01-01', () => token.auditor, 200],
      ['a bad filter', '/api/v1/events', () => '/api/v1/events?q=colour:red', () => token.auditor, 400],
      ['no token', '/api/v1/events', () => '/api/v1/events', () => undefined, 401],
      ["a member's token", '/api/v1/events', () => '/api/v1/events', () => token.member, 403],
      ['one event', '/api/v1/events/{id}', () => `/api/v1/events/${id()}`, () => token.auditor, 200],
      ['no such event', '/api/v1/events/{id}', () => '/api/v1/events/no-such-event', () => token.auditor, 404],
    ];
    for (const [name, template, path, secret, status] of cases) {
      it(`${name} (${status})`, () => checkAgainstDoc(template, path(), secret(), status));
    }

    it('over the rate limit (429)', async () => {
      for (let i = 0; i < 8; i++) await fetch(`${h.web.url}/api/v1/events?size=1`, { headers: { authorization: `Bearer ${token.limited}` } });
      await checkAgainstDoc('/api/v1/events', '/api/v1/events?size=1', token.limited, 429);
    });
  });
});
