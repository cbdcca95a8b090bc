import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { validateEventWithSchema } from '../../src/model/event.js';
import { fastValidateEvent } from '../../src/model/event-fast-path.js';

describe("the transport's fast event check", () => {
  const time = '2026-11-20T10:15:30.123Z';
  const wellFormed: [string, unknown][] = [
    ['the sample event', sampleEvent()],
    ['minimal', { id: sampleEvent().id, time, action: 'login', actor: { id: 'u-1' }, resource: { type: 'user', id: 'u-1' } }],
    ['system actor, failure with reason', sampleEvent({ actor: { id: 'system', type: 'system' }, outcome: 'failure', reason: 'quota exceeded' })],
    ['IPv6, epoch time, Date time', sampleEvent({ source: { ip: '2001:db8::1' }, time: 1_760_000_000_000 })],
    ['a Date', sampleEvent({ time: new Date(time) })],
    ['diff and details', sampleEvent({ diff: { size: { old: 1, new: 2 } }, details: { nested: { a: [1, 2] } } })],
  ];
  for (const [name, input] of wellFormed) {
    it(`gives what the zod schema gives: ${name}`, () => {
      const fast = fastValidateEvent(input);
      expect(fast).to.not.equal(undefined);
      expect(fast).to.deep.equal(validateEventWithSchema(input));
    });
  }

  const unusual: [string, unknown][] = [
    ['untrimmed text (zod trims it)', sampleEvent({ actor: { id: ' u-1 ' } })],
    ['unknown action', { ...sampleEvent(), action: 'explode' }],
    ['bad e-mail', sampleEvent({ actor: { id: 'u', email: 'not-mail' } })],
    ['bad IP', sampleEvent({ source: { ip: '999.1.1.1' } })],
    ['bad time', sampleEvent({ time: 'yesterday' })],
    ['not an object', 'create'],
    ['too many roles', sampleEvent({ actor: { id: 'u', roles: Array.from({ length: 40 }, (_, i) => `r${i}`) } })],
    ['details too large', sampleEvent({ details: { blob: 'x'.repeat(70_000) } })],
    ['id not a UUID', sampleEvent({ id: 'abc' })],
  ];
  for (const [name, input] of unusual) {
    it(`leaves it to the zod schema: ${name}`, () => {
      expect(fastValidateEvent(input)).to.equal(undefined);
    });
  }

  it('generates an id and a time when none are given, as the zod schema does', () => {
    const { id: _id, time: _time, ...rest } = sampleEvent();
    const fast = fastValidateEvent(rest)!;
    expect(fast.id).to.match(/^[0-9a-f-]{36}$/);
    expect(Date.now() - fast.time.getTime()).to.be.below(5000);
  });
});
