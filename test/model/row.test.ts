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

    describe('@timestamp in every form OpenSearch accepts that this version reads, and the others marked', () => {
      const cases: [string, unknown, string | undefined][] = [
        ['ISO date-time', '2023-11-14T22:13:20.000Z', '2023-11-14T22:13:20.000Z'],
        ['ISO with an offset', '2023-11-14T23:13:20+01:00', '2023-11-14T22:13:20.000Z'],
        ['a bare day', '2023-11-14', '2023-11-14T00:00:00.000Z'],
        ['epoch milliseconds as text', '1700000000000', '2023-11-14T22:13:20.000Z'],
        ['epoch milliseconds as a number', 1_700_000_000_000, '2023-11-14T22:13:20.000Z'],
        ['epoch zero', 0, '1970-01-01T00:00:00.000Z'],
        ['before 1970', '1969-07-20T20:17:40Z', undefined],
        ['after 2999 in milliseconds', 32_503_680_000_000, undefined],
        ['a fraction of a millisecond', 1_700_000_000_000.5, undefined],
        ['a year alone', '2026', undefined],
        ['words', 'next tuesday', undefined],
        ['an object', { when: 1 }, undefined],
      ];
      for (const [name, stored, iso] of cases) {
        it(name, () => {
          const row = toRow({ ...toEcsDocument(bareEvents()[0]!), '@timestamp': stored });
          if (iso === undefined) {
            expect(row.time.getTime()).to.equal(0);
            expect(row.unreadable?.time).to.equal(typeof stored === 'string' ? stored : JSON.stringify(stored));
          } else {
            expect(row.time.toISOString()).to.equal(iso);
            expect(row.unreadable).to.equal(undefined);
          }
        });
      }
    });

    it('reads an empty document as a row of missing values', () => {
      const row = toRow({});
      expect(row).to.include({ id: '', action: undefined, outcome: undefined });
      expect(row.unreadable).to.deep.equal({ time: '', action: '', outcome: '', resourceType: '', actorType: '' });
    });
  });
});
