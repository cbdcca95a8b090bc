import { expect } from '../helpers/chai.js';
import { testOpenSearchUrl } from '../helpers/opensearch.js';
import { useAuditNamespace } from '../helpers/namespace.js';
import { storedDocuments } from '../helpers/documents.js';
import { sampleEvent } from '../helpers/events.js';
import { createAuditLogger, type AuditRecord } from '../../src/recorder/audit-logger.js';
import { AuditValidationError } from '../../src/model/event.js';
import { ConfigurationError } from '../../src/model/errors.js';
import type { AuditEvent } from '../../src/model/event.js';
import type { AuditDocument } from '../../src/model/ecs-document.js';
import { vouchedDescription } from '../../src/transport/validated-events.js';
import TransportStream from 'winston-transport';

// Compile-time checks from the vocabulary (tsc runs in npm test; an unused @ts-expect-error fails it).
const typed: AuditRecord[] = [
  // @ts-expect-error 'update' is not an action of the vocabulary
  { action: 'update', actor: { id: 'u' }, resource: { type: 'workspace', id: 'w' } },
  // @ts-expect-error 'template' is not a resource type of the vocabulary
  { action: 'write', actor: { id: 'u' }, resource: { type: 'template', id: 't' } },
];

describe('createAuditLogger: the typed audit API', () => {
  const ns = useAuditNamespace();
  const { namespace } = ns;

  describe('recording', () => {
    it('records an event in one call, returns its id, and delivers it on close', async () => {
      const audit = createAuditLogger({ node: testOpenSearchUrl(), namespace, serviceName: 'typed-api', producerId: 'typed-api-test' });
      const id = audit.record(sampleEvent({ id: undefined, outcome: 'failure', reason: 'quota exceeded' }));
      await audit.close();
      expect(audit.stats()).to.include({ accepted: 1, delivered: 1, invalid: 0 });
      const [doc] = await storedDocuments(ns.client, namespace, { term: { 'event.id': id } });
      expect(doc?.event).to.include({ id, action: 'create', outcome: 'failure', reason: 'quota exceeded' });
      expect(doc?.log).to.deep.equal({ level: 'warn' });
      expect(doc?.audit_trail.producer).to.equal('typed-api-test');
    });

    it('throws AuditValidationError at the call site for an event the compiler could not check', async () => {
      const audit = createAuditLogger({ node: testOpenSearchUrl(), namespace });
      expect(() => audit.record(typed[0] as AuditRecord)).to.throw(AuditValidationError, /action: unknown action "update"; allowed: auto_off/);
      expect(() => audit.record(typed[1] as AuditRecord)).to.throw(AuditValidationError, /resource.type: unknown resource type "template"/);
      expect(() => audit.record({ ...sampleEvent(), source: { ip: 'not-an-ip' } })).to.throw(AuditValidationError, /source.ip/);
      await audit.close();
      expect(audit.stats().accepted).to.equal(0);
    });
  });

  describe('validating once', () => {
    it('record() validates and describes the event; the transport takes that very event without validating it again', async () => {
      const documents: AuditDocument[] = [];
      const audit = createAuditLogger({ node: 'http://127.0.0.1:9', closeTimeoutMs: 0, redact: (doc) => (documents.push(doc), doc), onWarning: () => undefined });
      const entries: { message?: unknown; audit?: unknown }[] = [];
      audit.logger.add(new (class extends TransportStream {
        override log(info: { message?: unknown; audit?: unknown }, next: () => void) {
          entries.push(info);
          next();
        }
      })());
      audit.record(sampleEvent({ id: undefined }));
      const [entry] = entries;
      const event = entry!.audit as AuditEvent;
      expect(vouchedDescription(event), 'record() vouches for the event it logs, with the message it logs').to.equal(entry!.message);
      expect(documents.map((d) => d.message), 'described once: the document takes that message').to.deep.equal([entry!.message]);
      // The same object again, made invalid since: taken as it is, so the transport never validates it.
      event.actor.id = '';
      audit.logger.info('again', { audit: event });
      // An equal copy is not vouched for: validated, and refused.
      audit.logger.info('copy', { audit: structuredClone(event) });
      expect(audit.stats()).to.include({ accepted: 2, invalid: 1 });
      await audit.close();
    });
  });

  describe('redaction options', () => {
    it('installs the default redactor, or a given function, or none with false', async () => {
      const masked = createAuditLogger({ node: testOpenSearchUrl(), namespace, serviceName: 'redact-default' });
      masked.record(sampleEvent({ id: undefined, details: { authorization: 'Bearer default-case' } }));
      const custom = createAuditLogger({ node: testOpenSearchUrl(), namespace, serviceName: 'redact-custom', redact: (doc) => ({ ...doc, message: 'rewritten' }) });
      custom.record(sampleEvent({ id: undefined }));
      const off = createAuditLogger({ node: testOpenSearchUrl(), namespace, serviceName: 'redact-off', redact: false });
      off.record(sampleEvent({ id: undefined, details: { authorization: 'Bearer visible-on-purpose' } }));
      await Promise.all([masked.close(), custom.close(), off.close()]);
      const docs = await storedDocuments(ns.client, namespace, { terms: { 'service.name': ['redact-default', 'redact-custom', 'redact-off'] } });
      const by = Object.fromEntries(docs.map((d) => [d.service.name, d]));
      expect(by['redact-default']?.audit_trail.details).to.deep.equal({ authorization: '[REDACTED]' });
      expect(by['redact-custom']?.message).to.equal('rewritten');
      expect(by['redact-off']?.audit_trail.details).to.deep.equal({ authorization: 'Bearer visible-on-purpose' });
    });

    it('refuses a bad redact option with a ConfigurationError saying what to give', () => {
      expect(() => createAuditLogger({ node: testOpenSearchUrl(), redact: 'yes' as never })).to.throw(ConfigurationError, /option "redact" must be redaction options/);
      expect(() => createAuditLogger({ node: testOpenSearchUrl(), redact: { keys: [''] } })).to.throw(ConfigurationError, /redact.keys/);
    });
  });
});
