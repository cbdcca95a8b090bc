import winston from 'winston';
import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testOpenSearchUrl } from '../helpers/opensearch.js';
import { useAuditNamespace } from '../helpers/namespace.js';
import { storedDocuments } from '../helpers/documents.js';
import { sampleEvent } from '../helpers/events.js';
import { dataStreamName } from '../../src/storage/template.js';
import { createRedactor, REDACTED } from '../../src/recorder/redact.js';
import { createAuditLogger } from '../../src/recorder/audit-logger.js';
import { OpenSearchAuditTransport } from '../../src/transport/audit-transport.js';
import { toEcsDocument, type AuditDocument } from '../../src/model/ecs-document.js';
import { validateEvent } from '../../src/model/event.js';

const SECRET = 'Zq8-SUPER-SECRET-TOKEN-Xy41';

/** Searches the index for a value anywhere in details or diff (flat_object fields match any leaf value). */
async function searchHits(client: Client, namespace: string, value: string): Promise<number> {
  const res = await client.search({
    index: dataStreamName(namespace),
    body: { query: { bool: { should: [{ term: { 'audit_trail.details': value } }, { term: { 'audit_trail.diff': value } }] } } },
  } as never);
  return (res.body.hits.hits as unknown[]).length;
}

describe('redaction', () => {
  describe('the redactor (pure)', () => {
    const doc = (): AuditDocument =>
      toEcsDocument(validateEvent(sampleEvent({
        details: { headers: { Authorization: `Bearer ${SECRET}`, Cookie: `sid=${SECRET}`, accept: 'text/html' }, card: { number: SECRET, last4: '4242' } },
        diff: { 'Set-Cookie': { old: 'a', new: SECRET }, api_key: { old: null, new: SECRET }, name: { old: 'a', new: 'b' } },
      })), { meta: { request: { headers: [{ 'proxy-authorization': SECRET }] } } });

    it('masks authorization, cookie and set-cookie wherever they appear, whatever their case', () => {
      const out = createRedactor()(doc());
      expect(out.audit_trail.details).to.deep.equal({ headers: { Authorization: REDACTED, Cookie: REDACTED, accept: 'text/html' }, card: { number: SECRET, last4: '4242' } });
      expect(out.audit_trail.diff?.['Set-Cookie']).to.equal(REDACTED);
      expect(out.request).to.deep.equal({ headers: [{ 'proxy-authorization': REDACTED }] });
    });

    it('masks configured keys (with _ and - alike) and paths', () => {
      const out = createRedactor({ keys: ['API-KEY'], paths: ['audit_trail.details.card.number'] })(doc());
      expect(out.audit_trail.diff?.api_key).to.equal(REDACTED);
      expect(out.audit_trail.details?.card).to.deep.equal({ number: REDACTED, last4: '4242' });
      expect(JSON.stringify(out)).to.not.include(SECRET);
    });

    it('removes instead of masking in remove mode, and never mutates its input', () => {
      const input = doc();
      const before = JSON.stringify(input);
      const out = createRedactor({ mode: 'remove', keys: ['api_key'], paths: ['audit_trail.details.card.number'] })(input);
      expect(out.audit_trail.details?.headers).to.deep.equal({ accept: 'text/html' });
      expect(out.audit_trail.diff).to.have.all.keys('name');
      expect(JSON.stringify(input)).to.equal(before);
    });

    it('refuses bad options with a message saying what to give', () => {
      expect(() => createRedactor({ keys: [''] })).to.throw(/option "redact.keys" must be a list of non-empty strings/);
      expect(() => createRedactor({ paths: ['a..b'] })).to.throw(/option "redact.paths" must be dotted paths/);
      expect(() => createRedactor({ mode: 'hide' as never })).to.throw(/option "redact.mode"/);
    });
  });

  describe('secrets in headers, details and diffs never reach the index', () => {
    const ns = useAuditNamespace();
    const { namespace } = ns;

    it('through createAuditLogger (default redactor plus configured keys/paths) and plain winston metadata', async () => {
      const audit = createAuditLogger({ node: testOpenSearchUrl(), namespace, redact: { keys: ['x-api-key'], paths: ['audit_trail.details.card'] } });
      audit.record(sampleEvent({
        id: undefined,
        details: { headers: { authorization: `Basic ${SECRET}`, cookie: `session=${SECRET}`, 'x-api-key': SECRET }, card: { pan: SECRET } },
        diff: { cookie: { old: SECRET, new: `${SECRET}-2` }, 'X-Api-Key': { old: null, new: SECRET }, plan: { old: 'free', new: 'pro' } },
      }));
      // an app that already has a logger: metadata beside `audit` goes through the same redactor
      const logger = winston.createLogger({ transports: [audit.transport] });
      logger.info('plain winston', { audit: sampleEvent({ id: undefined, action: 'login' }), http_headers: { 'set-cookie': [`sid=${SECRET}`], Authorization: `Bearer ${SECRET}` } });
      await audit.close();

      const docs = await storedDocuments(ns.client, namespace);
      expect(docs).to.have.length(2);
      expect(JSON.stringify(docs)).to.not.include(SECRET);
      expect(await searchHits(ns.client, namespace, `Basic ${SECRET}`)).to.equal(0);
      // what is not secret is kept
      const recorded = docs.find((d) => d.event.action === 'create');
      expect(recorded?.audit_trail.diff.plan).to.deep.equal({ old: 'free', new: 'pro' });
      expect(recorded?.audit_trail.details.headers).to.deep.equal({ authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED });
    });

    it('the control: without a redactor the same secret does reach the index (so the check above can fail)', async () => {
      const transport = new OpenSearchAuditTransport({ node: testOpenSearchUrl(), namespace });
      const logger = winston.createLogger({ transports: [transport] });
      logger.info('unredacted', { audit: sampleEvent({ id: undefined, details: { headers: { authorization: `Bearer ${SECRET}-control` } } }) });
      await new Promise<void>((resolve) => { logger.on('finish', () => resolve()); logger.end(); });
      const docs = await storedDocuments(ns.client, namespace);
      expect(JSON.stringify(docs)).to.include(`${SECRET}-control`);
      expect(await searchHits(ns.client, namespace, `Bearer ${SECRET}-control`)).to.equal(1);
    });
  });
});
