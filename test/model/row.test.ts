import { expect } from '../helpers/chai.js';
import { validateEvent, type AuditEvent } from '../../src/model/event.js';
import { toEcsDocument, type DocumentContext } from '../../src/model/ecs-document.js';
import { shownText, toRow, type AuditRow } from '../../src/model/row.js';
import { ACTIONS, ACTOR_TYPES, OUTCOMES, RESOURCE_TYPES } from '../../src/model/vocabulary.js';
import { sampleEvent } from '../helpers/events.js';

const context: DocumentContext = { created: new Date('2026-11-20T10:15:31.000Z'), producer: 'app-1-4242-abcd', sequence: 7, level: 'info' };

/** The event's own fields of a row (what toEcsDocument was given), without the document and the producer's context. */
function eventFields(row: AuditRow): Omit<AuditRow, 'document' | 'sequence' | 'producer'> {
  const { document: _document, sequence: _sequence, producer: _producer, ...fields } = row;
  return fields;
}

/** Every action once, each with another resource type, outcome and actor type, and with every optional field. */
function fullEvents(): AuditEvent[] {
  return ACTIONS.map((action, i) =>
    validateEvent(
      sampleEvent({
        id: `01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4${String(i).padStart(3, '0')}`,
        action,
        resource: { type: RESOURCE_TYPES[i % RESOURCE_TYPES.length]!, id: `r-${i}`, target: `target ${i}` },
        outcome: OUTCOMES[i % OUTCOMES.length]!,
        reason: `reason ${i}`,
        actor: { id: `u-${i}`, name: `name ${i}`, email: `u${i}@example.com`, roles: ['member', 'auditor'], type: ACTOR_TYPES[i % ACTOR_TYPES.length]! },
        diff: { name: { old: 'a', new: 'b' }, password: { secret: true, old: 'h1', new: 'h2' } },
        details: { note: `details ${i}`, nested: { n: i } },
      }),
    ),
  );
}

/** Every action once with only the required fields. */
function bareEvents(): AuditEvent[] {
  return ACTIONS.map((action, i) =>
    validateEvent({ time: new Date(Date.UTC(2026, 10, 20, 10, i)), action, actor: { id: `u-${i}` }, resource: { type: 'workspace', id: `r-${i}` } }),
  );
}

describe('row: toRow reads back what toEcsDocument wrote', () => {
  describe('round trip over every action', () => {
    it('gives back every field of events with every optional field set', () => {
      for (const event of fullEvents()) {
        const row = toRow(toEcsDocument(event, context));
        expect(eventFields(row), event.action).to.deep.equal(event);
        expect(row.sequence).to.equal(context.sequence);
        expect(row.producer).to.equal(context.producer);
      }
    });

    it('gives back events with only the required fields, and no optional field appears', () => {
      for (const event of bareEvents()) {
        const row = toRow(toEcsDocument(event));
        expect(eventFields(row), event.action).to.deep.equal(event);
        expect(row).not.to.have.any.keys('reason', 'diff', 'details', 'sequence', 'producer', 'unreadable');
      }
    });

    it('keeps the stored document whole', () => {
      const document = toEcsDocument(fullEvents()[0]!, context);
      expect(toRow(document).document).to.equal(document);
    });
  });

  describe('stored values this version cannot read', () => {
    it('marks unknown vocabulary words and a bad time instead of failing, and shows the stored text', () => {
      const document = toEcsDocument(bareEvents()[0]!) as unknown as Record<string, Record<string, unknown>>;
      document.event!.action = 'teleport';
      document.event!.outcome = 42;
      document.audit_trail!.resource = { type: 'planet', id: 'p-1' };
      document.audit_trail!.actor = { type: 'robot' };
      (document as Record<string, unknown>)['@timestamp'] = 'yesterday';
      const row = toRow(document);
      expect(row.action).to.equal(undefined);
      expect(row.outcome).to.equal(undefined);
      expect(row.resource.type).to.equal(undefined);
      expect(row.actor.type).to.equal(undefined);
      expect(row.time.getTime()).to.equal(0);
      expect(row.unreadable).to.deep.equal({ time: 'yesterday', action: 'teleport', outcome: '42', resourceType: 'planet', actorType: 'robot' });
      expect(['action', 'outcome', 'resourceType', 'actorType'].map((f) => shownText(row, f as 'action'))).to.deep.equal(['teleport', '42', 'planet', 'robot']);
    });

    it('reads an empty document as a row of missing values', () => {
      const row = toRow({});
      expect(row).to.include({ id: '', action: undefined, outcome: undefined });
      expect(row.unreadable).to.deep.equal({ time: '', action: '', outcome: '', resourceType: '', actorType: '' });
    });
  });
});
