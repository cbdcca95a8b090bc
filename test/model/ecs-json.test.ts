import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { validateEvent } from '../../src/model/event.js';
import { describeEvent, toEcsDocument, type DocumentContext } from '../../src/model/ecs-document.js';
import { ecsDocumentJson } from '../../src/model/ecs-json.js';

describe('the document written straight to JSON', () => {
  const created = new Date('2026-11-26T01:02:03.456Z');
  const cases: [string, ReturnType<typeof validateEvent>, DocumentContext][] = [
    ['a full event with every context field', validateEvent(sampleEvent({ reason: 'why', details: { a: [1, { b: 'ü"\n' }] }, diff: { name: { old: 'a', new: 'b' } } })),
      { level: 'warn', service: { name: 'svc', version: undefined, environment: 'prod' }, hostname: 'h1', producer: 'p-1', sequence: 42, meta: { labels: { team: 'x' }, n: 1, fn: () => 1, event: 'reserved', 'user.x': 'reserved too' } }],
    ['a bare event acting on a user (iam), no context', validateEvent({ action: 'login', actor: { id: 'u' }, resource: { type: 'user', id: 'u2' } }), {}],
    ['an empty service, empty metadata', validateEvent(sampleEvent({ source: {} })), { service: {}, meta: {} }],
  ];
  for (const [name, event, context] of cases) {
    it(`is JSON.stringify(toEcsDocument(...)), character for character: ${name}`, () => {
      const message = context.message ?? describeEvent(event);
      const { level, service, hostname, producer, sequence, meta } = context;
      expect(ecsDocumentJson(event, { message, created: created.toISOString(), level, service, hostname, producer, sequence, meta })).to.equal(JSON.stringify(toEcsDocument(event, { ...context, created })));
    });
  }
});
