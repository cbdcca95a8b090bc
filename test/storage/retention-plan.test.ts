import { expect } from '../helpers/chai.js';
import { ConfigurationError } from '../../src/model/errors.js';
import { buildIsmPolicy, ISM_DELETE_MARGIN_DAYS, ismPolicyId } from '../../src/storage/ism-policy.js';
import { planRetention, type BackingIndex } from '../../src/storage/retention-plan.js';
import { checkRetentionSettings, periodDays, RETENTION_DEFAULTS, type RetentionSettings } from '../../src/storage/retention-settings.js';

const now = new Date('2026-11-26T00:00:00.000Z');
const settings = (over: Partial<RetentionSettings> = {}): RetentionSettings => ({ namespace: 'ops', ...RETENTION_DEFAULTS, ...over });
const index = (name: string, newest: string | undefined, over: Partial<BackingIndex> = {}): BackingIndex => ({ name, write: false, created: '2026-11-25T00:00:00.000Z', ...(newest ? { newest } : {}), docs: 10, bytes: 1000, ...over });

describe('retention settings', () => {
  it('reads periods in days and weeks, forever as none', () => {
    expect(periodDays('90d')).to.equal(90);
    expect(periodDays('12w')).to.equal(84);
    expect(periodDays('forever')).to.equal(undefined);
  });
  it('refuses a period it cannot read, naming the option', () => {
    expect(() => periodDays('3 months')).to.throw(ConfigurationError, /option "keep"/);
    expect(() => checkRetentionSettings(settings({ rolloverSize: '10 GB' }))).to.throw(ConfigurationError, /option "rolloverSize"/);
    expect(() => checkRetentionSettings(settings({ rolloverAge: 'forever' }))).to.throw(ConfigurationError, /option "rolloverAge"/);
  });
});

describe('the retention plan', () => {
  const indices = [index('a', '2026-07-01T00:00:00.000Z'), index('b', '2026-10-01T00:00:00.000Z'), index('c', '2026-01-01T00:00:00.000Z', { write: true })];

  it('deletes indices whose newest event is older than the period, never the write index', () => {
    const plan = planRetention(indices, settings({ keep: '90d' }), now);
    expect(plan.decisions.map((d) => d.fate)).to.deep.equal(['delete', 'keep', 'keep']);
    expect(plan.before).to.equal('2026-08-28T00:00:00.000Z');
    expect(plan.rollover).to.equal(undefined);
  });
  it('keeps everything by default and on legal hold', () => {
    expect(planRetention(indices, settings(), now).decisions.every((d) => d.fate === 'keep')).to.equal(true);
    const hold = { reason: 'case 7', since: '2026-11-01T00:00:00.000Z', by: 'dana' };
    expect(planRetention(indices, settings({ keep: '90d', hold }), now).decisions.every((d) => d.fate === 'keep')).to.equal(true);
  });
  it('rolls an old or large write index over, and then judges it like the others', () => {
    const old = [index('w', '2026-01-01T00:00:00.000Z', { write: true, created: '2026-01-01T00:00:00.000Z' })];
    const plan = planRetention(old, settings({ keep: '90d' }), now);
    expect(plan.rollover).to.match(/older than 7d/);
    expect(plan.decisions[0]).to.include({ fate: 'delete' });
    expect(planRetention([index('w', undefined, { write: true, bytes: 11 * 2 ** 30 })], settings(), now).rollover).to.match(/larger than 10gb/);
    expect(planRetention([index('w', undefined, { write: true, docs: 0, created: '2026-01-01T00:00:00.000Z' })], settings(), now).rollover, 'an empty write index').to.equal(undefined);
  });
});

describe('the ISM policy (checked against ISM’s documented policy format; not run here: no ISM on the local node)', () => {
  it('rolls over by age and size, deletes after the period plus the margin, attached to the data stream', () => {
    const { policy } = buildIsmPolicy(settings({ keep: '90d' }));
    expect(ismPolicyId('ops')).to.equal('audit-trail-retention-ops');
    expect(policy.default_state).to.equal('hot');
    expect(policy.states.map((s) => s.name)).to.deep.equal(['hot', 'delete']);
    expect(policy.states[0]!.actions).to.deep.equal([{ rollover: { min_index_age: '7d', min_size: '10gb' } }]);
    expect(policy.states[0]!.transitions).to.deep.equal([{ state_name: 'delete', conditions: { min_rollover_age: `${90 + ISM_DELETE_MARGIN_DAYS}d` } }]);
    expect(policy.states[1]).to.deep.equal({ name: 'delete', actions: [{ delete: {} }], transitions: [] });
    expect(policy.ism_template).to.deep.equal([{ index_patterns: ['logs-audit_trail.events-ops'], priority: 100 }]);
    expect(policy.description).to.be.a('string').and.not.equal('');
  });
  it('has no delete state when kept forever or on legal hold', () => {
    const hold = { reason: 'case 7', since: '2026-11-01T00:00:00.000Z', by: 'dana' };
    for (const s of [settings(), settings({ keep: '90d', hold })]) {
      const { policy } = buildIsmPolicy(s);
      expect(policy.states.map((x) => x.name)).to.deep.equal(['hot']);
      expect(policy.states[0]!.transitions).to.deep.equal([]);
    }
  });
});
