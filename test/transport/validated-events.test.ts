import winston from 'winston';
import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { validateEvent } from '../../src/model/event.js';
import { describeEvent, type AuditDocument } from '../../src/model/ecs-document.js';
import { vouchForEvent, vouchedDescription } from '../../src/transport/validated-events.js';
import { OpenSearchAuditTransport, type TransportWarning } from '../../src/transport/audit-transport.js';

/** Nothing listens on port 9: events stay queued, nothing is sent. */
const OFFLINE = 'http://127.0.0.1:9';

describe('events vouched for by the typed API (no OpenSearch needed)', () => {
  /** A transport that keeps every document it shapes, with a winston logger over it. */
  function shapingTransport() {
    const documents: AuditDocument[] = [];
    const warnings: TransportWarning[] = [];
    const transport = new OpenSearchAuditTransport({ node: OFFLINE, retryBaseDelayMs: 1000, redact: (doc) => (documents.push(doc), doc) });
    transport.on('warn', (w: TransportWarning) => warnings.push(w));
    return { transport, documents, warnings, logger: winston.createLogger({ transports: [transport] }) };
  }

  describe('the mark', () => {
    it('is on the very object vouched for, and on nothing else', () => {
      const event = validateEvent(sampleEvent());
      expect(vouchedDescription(event)).to.equal(undefined);
      expect(vouchForEvent(event, 'said once')).to.equal(event);
      expect(vouchedDescription(event)).to.equal('said once');
      expect(vouchedDescription(structuredClone(event)), 'a copy is not vouched for').to.equal(undefined);
      expect(vouchedDescription('said once')).to.equal(undefined);
      expect(vouchedDescription(null)).to.equal(undefined);
    });
  });

  describe('the transport', () => {
    it('takes a vouched-for event as it is: its description becomes the message, no validation again', async () => {
      const { transport, documents, warnings, logger } = shapingTransport();
      const event = vouchForEvent(validateEvent(sampleEvent()), 'described by the caller');
      // Made invalid after it was vouched for: validating again would refuse it (empty actor id).
      event.actor.id = '';
      logger.info('ignored message', { audit: event });
      expect(transport.stats()).to.include({ accepted: 1, invalid: 0 });
      expect(warnings).to.deep.equal([]);
      expect(documents).to.have.length(1);
      expect(documents[0]!.message).to.equal('described by the caller');
      expect(documents[0]!.user.id).to.equal('');
      await transport.close(0);
    });

    it('validates and describes anything else as before, winston users included', async () => {
      const { transport, documents, warnings, logger } = shapingTransport();
      const event = vouchForEvent(validateEvent(sampleEvent()), 'described by the caller');
      const copy = structuredClone(event);
      logger.info('audit', { audit: copy });
      copy.actor.id = '';
      logger.info('audit', { audit: copy });
      expect(transport.stats()).to.include({ accepted: 1, invalid: 1 });
      expect(documents.map((d) => d.message)).to.deep.equal([describeEvent(event)]);
      expect(warnings.map((w) => w.message)).to.deep.equal(['invalid audit event: actor.id: must not be empty']);
      await transport.close(0);
    });
  });
});
