import { expect } from '../helpers/chai.js';
import { generateDemoEvents, DEMO_USERS } from '../../src/dev/demo/generate.js';
import { validateEvent } from '../../src/model/event.js';
import { ACTIONS } from '../../src/model/vocabulary.js';

describe('demo data generator', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  const events = generateDemoEvents({ count: 1500, now, seed: 7 });

  it('produces valid events only', () => {
    for (const event of events) validateEvent(event);
    expect(events).to.have.length(1500);
  });

  it('covers all 14 actions, several users and resource types, and some failures', () => {
    expect(new Set(events.map((e) => e.action))).to.have.property('size', ACTIONS.length);
    expect(new Set(events.map((e) => e.actor.id)).size).to.equal(DEMO_USERS.length + 1);
    expect(new Set(events.map((e) => e.resource.type))).to.include.members(['workspace', 'image', 'user', 'workspace_provider', 'secret', 'job', 'dev_url', 'resource_pool']);
    const failures = events.filter((e) => e.outcome === 'failure').length;
    expect(failures).to.be.within(20, 300);
  });

  it('spreads events over the last 30 days, oldest first', () => {
    const times = events.map((e) => (e.time as Date).getTime());
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    expect(times[0]).to.be.at.least(now.getTime() - 30 * 24 * 3600_000);
    expect(times[times.length - 1]).to.be.at.most(now.getTime());
    expect(times[times.length - 1]! - times[0]!).to.be.above(25 * 24 * 3600_000);
  });

  it('gives system actors to automatic actions only', () => {
    for (const e of events) expect(e.actor.type === 'system', e.action).to.equal(e.action === 'auto_off' || e.action === 'auto_start');
  });

  it('is deterministic for a seed', () => {
    expect(generateDemoEvents({ count: 50, now, seed: 7 })).to.deep.equal(generateDemoEvents({ count: 50, now, seed: 7 }));
    expect(generateDemoEvents({ count: 50, now, seed: 8 })).to.not.deep.equal(generateDemoEvents({ count: 50, now, seed: 7 }));
  });
});
