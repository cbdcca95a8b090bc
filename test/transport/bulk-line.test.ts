import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { validateEvent } from '../../src/model/event.js';
import { toEcsDocument, type AuditDocument } from '../../src/model/ecs-document.js';
import { bulkChunkEncoder, legacyChunkFacts, sentDocument } from '../../src/transport/bulk-line.js';

const encode = bulkChunkEncoder('logs-audit_trail.events-ns1');
const documentWith = (extra: Record<string, unknown> = {}): AuditDocument => ({ ...toEcsDocument(validateEvent(sampleEvent()), { sequence: 7, producer: 'p' }), ...extra });

describe('the bulk line codec', () => {
  describe('encoding', () => {
    it('writes a create action line (index, _id = event.id) and the document line, each ending in a newline', () => {
      const document = documentWith();
      const chunk = encode(document);
      expect(chunk.eventId).to.equal(document.event.id);
      const [action, line, rest] = chunk.body.toString('utf8').split('\n');
      expect(JSON.parse(action!)).to.deep.equal({ create: { _index: 'logs-audit_trail.events-ns1', _id: document.event.id } });
      expect(JSON.parse(line!)).to.deep.equal(JSON.parse(JSON.stringify(document)));
      expect(rest).to.equal('');
    });

    it('refuses an event id OpenSearch would not take as an _id', () => {
      const base = documentWith();
      expect(() => encode({ ...base, event: { ...base.event, id: '' } })).to.throw(TypeError, /event.id/);
      expect(() => encode({ ...base, event: { ...base.event, id: 'x'.repeat(513) } })).to.throw(TypeError, /512 bytes/);
    });
  });

  describe('reading back', () => {
    it('gives the document as it was sent, or its raw text when it is not JSON', () => {
      const document = documentWith();
      expect(sentDocument(encode(document).body)).to.deep.equal(JSON.parse(JSON.stringify(document)));
      expect(sentDocument(Buffer.from('{"create":{}}\nnot json\n'))).to.equal('not json');
    });

    it('takes an old record\'s facts from the action line and event.sequence, never from caller metadata', () => {
      const chunk = encode(documentWith({ sequence: 1e19, labels: { sequence: 99 } }));
      expect(legacyChunkFacts(chunk.body)).to.deep.equal({ eventId: chunk.eventId, sequence: 7 });
      expect(legacyChunkFacts(Buffer.from('garbage'))).to.deep.equal({ eventId: '', sequence: 0 });
    });
  });
});
