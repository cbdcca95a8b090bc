import { expect } from '../helpers/chai.js';
import { AuditValidationError, LIMITS, validateEvent, type ValidationIssue } from '../../src/model/event.js';
import { ACTIONS } from '../../src/model/vocabulary.js';
import { sampleEvent } from '../helpers/events.js';

/** The issues validateEvent reports; fails the test when it accepts the input. */
function issuesOf(input: unknown): readonly ValidationIssue[] {
  let caught: unknown;
  expect(() => {
    try {
      validateEvent(input);
    } catch (error) {
      caught = error;
      throw error;
    }
  }).to.throw(AuditValidationError);
  return (caught as AuditValidationError).issues;
}

describe('event validation', () => {
  describe('a valid event', () => {
    it('normalises defaults: id, time, outcome, roles, actor type', () => {
      const event = validateEvent({ action: 'login', actor: { id: 'u-1' }, resource: { type: 'user', id: 'u-1' } });
      expect(event.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
      expect(event.time).to.be.instanceOf(Date);
      expect(event.outcome).to.equal('success');
      expect(event.actor).to.deep.equal({ id: 'u-1', roles: [], type: 'user' });
      expect(event.source).to.deep.equal({});
    });

    it('keeps the given time and id', () => {
      const event = validateEvent(sampleEvent());
      expect(event.time.toISOString()).to.equal('2026-11-20T10:15:30.123Z');
      expect(event.id).to.equal('01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4e5f');
    });

    it('accepts every action of the vocabulary', () => {
      for (const action of ACTIONS) expect(validateEvent(sampleEvent({ action })).action).to.equal(action);
    });

    it('generates ids that sort by time', () => {
      const ids = Array.from({ length: 50 }, () => validateEvent(sampleEvent({ id: undefined })).id);
      expect([...ids].sort()).to.deep.equal(ids);
      expect(new Set(ids).size).to.equal(50);
    });
  });

  describe('errors name the field and what it allows', () => {
    it('unknown action lists the allowed actions', () => {
      const issues = issuesOf(sampleEvent({ action: 'destroy' as never }));
      expect(issues).to.have.length(1);
      expect(issues[0]!.path).to.equal('action');
      expect(issues[0]!.message).to.include('"destroy"').and.include('auto_off').and.include('write');
    });

    it('missing actor', () => {
      const { actor: _actor, ...rest } = sampleEvent();
      const issues = issuesOf(rest);
      expect(issues.map((i) => i.path)).to.deep.equal(['actor']);
      expect(issues[0]!.message).to.include('who acted');
    });

    it('empty actor id', () => {
      expect(issuesOf(sampleEvent({ actor: { id: '  ' } })).map((i) => i.path)).to.deep.equal(['actor.id']);
    });

    it('unknown resource type lists the allowed types', () => {
      const issues = issuesOf(sampleEvent({ resource: { type: 'planet' as never, id: 'p' } }));
      expect(issues[0]!.path).to.equal('resource.type');
      expect(issues[0]!.message).to.include('workspace_provider');
    });

    it('bad IP address', () => {
      const issues = issuesOf(sampleEvent({ source: { ip: '999.1.1.1' } }));
      expect(issues.map((i) => i.path)).to.deep.equal(['source.ip']);
      expect(issues[0]!.message).to.include('IPv4 or IPv6');
    });

    it('accepts IPv6', () => {
      expect(validateEvent(sampleEvent({ source: { ip: '2001:db8::1' } })).source.ip).to.equal('2001:db8::1');
    });

    it('time that is not a date', () => {
      for (const time of ['yesterday', 'not-a-date', Number.NaN]) {
        const issues = issuesOf(sampleEvent({ time }));
        expect(issues.map((i) => i.path)).to.deep.equal(['time']);
        expect(issues[0]!.message).to.include('must be a date');
      }
    });

    it('bad e-mail', () => {
      expect(issuesOf(sampleEvent({ actor: { id: 'u', email: 'nope' } })).map((i) => i.path)).to.deep.equal(['actor.email']);
    });

    it('oversize fields', () => {
      const long = 'x'.repeat(LIMITS.target + 1);
      const issues = issuesOf(sampleEvent({ resource: { type: 'workspace', id: 'w', target: long } }));
      expect(issues[0]!.path).to.equal('resource.target');
      expect(issues[0]!.message).to.include(`at most ${LIMITS.target}`);
      const details = { blob: 'y'.repeat(LIMITS.structuredBytes) };
      expect(issuesOf(sampleEvent({ details })).map((i) => i.path)).to.deep.equal(['details']);
      const roles = Array.from({ length: LIMITS.roles + 1 }, (_, i) => `r${i}`);
      expect(issuesOf(sampleEvent({ actor: { id: 'u', roles } })).map((i) => i.path)).to.deep.equal(['actor.roles']);
    });

    it('details or diff that JSON cannot hold: says why and where, not that they are too big', () => {
      const loop: Record<string, unknown> = { step: 1 };
      loop.again = { back: loop };
      expect(() => validateEvent(sampleEvent({ details: loop }))).to.throw(
        AuditValidationError,
        'invalid audit event: details: must be JSON, but "again.back" refers back to an object that contains it (a circular reference), which JSON cannot hold',
      );
      expect(() => validateEvent(sampleEvent({ diff: { quota: { old: 1, new: 2n } } }))).to.throw(
        AuditValidationError,
        'invalid audit event: diff: must be JSON, but "quota.new" is a BigInt (2n), which JSON cannot hold: convert it to a string or a number',
      );
      const details = { blob: 'y'.repeat(LIMITS.structuredBytes) };
      expect(() => validateEvent(sampleEvent({ details }))).to.throw(
        AuditValidationError,
        `invalid audit event: details: must serialise to at most ${LIMITS.structuredBytes} bytes of JSON, got ${LIMITS.structuredBytes + 11}`,
      );
    });

    it('reports every bad field at once', () => {
      const issues = issuesOf({ action: 'nope', actor: { id: 'u' }, resource: { type: 'workspace' }, outcome: 'maybe' });
      expect(issues.map((i) => i.path).sort()).to.deep.equal(['action', 'outcome', 'resource.id']);
    });

    it('the error message itself names the fields', () => {
      expect(() => validateEvent(sampleEvent({ action: 'x' as never }))).to.throw(AuditValidationError, /action: unknown action "x"/);
    });
  });
});
