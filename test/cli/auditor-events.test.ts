// The mapping from auditors' actions to audit events: every kind has one, each gives a valid event of the vocabulary with the right action, actor, resource and details, and never a secret.
import { expect } from '../helpers/chai.js';
import { AUDITOR_ACTION_KINDS, type AuditorAction, type AuditorActionKind, type AuditorActor } from '../../src/web/auditor-action.js';
import { MAPPED_KINDS, auditorEvent, channelOf } from '../../src/cli/auditor-events.js';
import { validateEvent } from '../../src/model/event.js';
import { ACTIONS, RESOURCE_TYPES } from '../../src/model/vocabulary.js';

const time = new Date('2026-11-24T10:15:30.000Z');
const source = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 test' };
const carol: AuditorActor = { type: 'user', name: 'carol', role: 'auditor' };
const siem: AuditorActor = { type: 'token', name: 'siem', role: 'auditor' };
const sso: AuditorActor = { type: 'sso_user', issuer: 'https://idp.example.com', subject: 'sub-123', name: 'dana', email: 'dana@example.com', role: 'site_manager' };
const root: AuditorActor = { type: 'os_user', name: 'ops', role: 'site_manager' };

/** One realistic action of each kind, with the event it must give. */
const CASES: Record<AuditorActionKind, { action: AuditorAction; expect: { action: string; type: string; id: string; target?: string; actorId: string; details: Record<string, unknown> } }> = {
  sign_in: {
    action: { kind: 'sign_in', time, outcome: 'success', actor: carol, target: { status: 303 }, source },
    expect: { action: 'login', type: 'user', id: 'carol', target: 'carol', actorId: 'carol', details: { via: 'web', method: 'password', status: 303 } },
  },
  sign_out: {
    action: { kind: 'sign_out', time, outcome: 'success', actor: carol, target: { status: 303 }, source },
    expect: { action: 'delete', type: 'session', id: 'web:carol', target: 'carol', actorId: 'carol', details: { via: 'web' } },
  },
  'sso.sign_in': {
    action: { kind: 'sso.sign_in', time, outcome: 'success', actor: sso, target: { status: 303 }, source },
    expect: { action: 'login', type: 'user', id: 'sso:sub-123', target: 'dana', actorId: 'sso:sub-123', details: { via: 'web', method: 'oidc', issuer: 'https://idp.example.com' } },
  },
  'audit.list': {
    action: { kind: 'audit.list', time, outcome: 'success', actor: carol, target: { query: 'action:login user:bob', rows: 3, status: 200 }, source },
    expect: { action: 'view', type: 'audit_log', id: 'events', target: 'action:login user:bob', actorId: 'carol', details: { via: 'web', query: 'action:login user:bob', rows: 3 } },
  },
  'audit.event': {
    action: { kind: 'audit.event', time, outcome: 'success', actor: sso, target: { eventId: '0193-abc', status: 200 }, source },
    expect: { action: 'view', type: 'audit_log', id: '0193-abc', actorId: 'sso:sub-123', details: { via: 'web', event_id: '0193-abc' } },
  },
  'audit.export': {
    action: { kind: 'audit.export', time, outcome: 'success', actor: carol, target: { query: 'outcome:failure', format: 'csv', rows: 12, status: 200 }, source },
    expect: { action: 'view', type: 'audit_log', id: 'export.csv', target: 'outcome:failure', actorId: 'carol', details: { via: 'web', format: 'csv', rows: 12, query: 'outcome:failure' } },
  },
  'api.events.list': {
    action: { kind: 'api.events.list', time, outcome: 'success', actor: siem, target: { query: '', rows: 0, status: 200 }, source },
    expect: { action: 'view', type: 'audit_log', id: 'events', target: '(every event)', actorId: 'token:siem', details: { via: 'api', rows: 0, actor_type: 'api_token' } },
  },
  'api.events.get': {
    action: { kind: 'api.events.get', time, outcome: 'failure', reason: 'forbidden', actor: { type: 'token', name: 'bob-token', role: 'member' }, target: { eventId: 'e-1', status: 403 }, source },
    expect: { action: 'view', type: 'audit_log', id: 'e-1', actorId: 'token:bob-token', details: { via: 'api', status: 403 } },
  },
  'integrity.view': {
    action: { kind: 'integrity.view', time, outcome: 'success', actor: carol, target: { namespace: 'default,billing', status: 200 }, source },
    expect: { action: 'view', type: 'audit_log', id: 'integrity', target: 'default,billing', actorId: 'carol', details: { via: 'web', namespace: 'default,billing', status: 200 } },
  },
  'integrity.verify': {
    action: { kind: 'integrity.verify', time, outcome: 'success', actor: root, target: { producer: 'web-1', rows: 500, query: 'from:2026-11-01T00:00:00.000Z' }, source: {} },
    expect: { action: 'view', type: 'audit_log', id: 'integrity:web-1', target: 'from:2026-11-01T00:00:00.000Z', actorId: 'os:ops', details: { via: 'cli', producer: 'web-1', rows: 500 } },
  },
  'user.create': {
    action: { kind: 'user.create', time, outcome: 'success', actor: root, target: { user: 'erin', role: 'auditor' }, source: {} },
    expect: { action: 'create', type: 'user', id: 'erin', target: 'erin', actorId: 'os:ops', details: { via: 'cli', user: 'erin', role: 'auditor', actor_type: 'os_user' } },
  },
  'user.reset': {
    action: { kind: 'user.reset', time, outcome: 'success', actor: root, target: { user: 'erin', role: 'site_manager', previousRole: 'auditor' }, source: {} },
    expect: { action: 'write', type: 'user', id: 'erin', target: 'erin', actorId: 'os:ops', details: { via: 'cli', change: 'new password; sessions ended' } },
  },
  'user.role': {
    action: { kind: 'user.role', time, outcome: 'success', actor: root, target: { user: 'erin', role: 'member', previousRole: 'site_manager' }, source: {} },
    expect: { action: 'write', type: 'user', id: 'erin', target: 'erin', actorId: 'os:ops', details: { via: 'cli', role: 'member', previous_role: 'site_manager' } },
  },
  'user.remove': {
    action: { kind: 'user.remove', time, outcome: 'success', actor: root, target: { user: 'erin' }, source: {} },
    expect: { action: 'delete', type: 'user', id: 'erin', target: 'erin', actorId: 'os:ops', details: { via: 'cli' } },
  },
  'token.create': {
    action: { kind: 'token.create', time, outcome: 'success', actor: root, target: { token: 'siem', role: 'auditor', expiresAt: '2027-02-22T10:15:30.000Z' }, source: {} },
    expect: { action: 'create', type: 'api_key', id: 'siem', target: 'siem', actorId: 'os:ops', details: { via: 'cli', token_name: 'siem', expires_at: '2027-02-22T10:15:30.000Z' } },
  },
  'token.revoke': {
    action: { kind: 'token.revoke', time, outcome: 'failure', reason: "no token named 'x'", actor: root, target: { token: 'x' }, source: {} },
    expect: { action: 'delete', type: 'api_key', id: 'x', target: 'x', actorId: 'os:ops', details: { via: 'cli' } },
  },
  'retention.set': {
    action: { kind: 'retention.set', time, outcome: 'success', actor: root, target: { namespace: 'ops', summary: 'keep 90d (was forever)' }, source: {} },
    expect: { action: 'write', type: 'audit_log', id: 'retention:ops', target: 'ops', actorId: 'os:ops', details: { via: 'cli', namespace: 'ops', summary: 'keep 90d (was forever)' } },
  },
  'retention.hold': {
    action: { kind: 'retention.hold', time, outcome: 'success', actor: root, target: { namespace: 'ops', summary: 'case 7' }, source: {} },
    expect: { action: 'write', type: 'audit_log', id: 'retention:ops', target: 'ops', actorId: 'os:ops', details: { via: 'cli', legal_hold: true, summary: 'case 7' } },
  },
  'retention.release': {
    action: { kind: 'retention.release', time, outcome: 'success', actor: root, target: { namespace: 'ops', summary: 'case 7 closed' }, source: {} },
    expect: { action: 'write', type: 'audit_log', id: 'retention:ops', target: 'ops', actorId: 'os:ops', details: { via: 'cli', legal_hold: false } },
  },
  'retention.run': {
    action: { kind: 'retention.run', time, outcome: 'success', actor: root, target: { namespace: 'ops', rows: 2, result: 'deleted', summary: 'deleted 2 indices' }, source: {} },
    expect: { action: 'delete', type: 'audit_log', id: 'retention:ops', target: 'ops', actorId: 'os:ops', details: { via: 'cli', rows: 2, result: 'deleted' } },
  },
};

describe('auditor actions as audit events', () => {
  it('every kind of AUDITOR_ACTION_KINDS has a mapping and a case here, and nothing else does', () => {
    expect([...MAPPED_KINDS].sort()).to.deep.equal([...AUDITOR_ACTION_KINDS].sort());
    expect(Object.keys(CASES).sort()).to.deep.equal([...AUDITOR_ACTION_KINDS].sort());
  });

  for (const kind of AUDITOR_ACTION_KINDS) {
    it(`${kind}: a valid event with the action, resource, actor and details it stands for`, () => {
      const { action, expect: want } = CASES[kind];
      const event = validateEvent(auditorEvent(action));
      expect(ACTIONS).to.include(event.action);
      expect(RESOURCE_TYPES).to.include(event.resource.type);
      expect(event.action).to.equal(want.action);
      expect(event.resource.type).to.equal(want.type);
      expect(event.resource.id).to.equal(want.id);
      if (want.target) expect(event.resource.target).to.equal(want.target);
      expect(event.actor.id).to.equal(want.actorId);
      expect(event.actor.roles).to.deep.equal(action.actor.role ? [action.actor.role] : []);
      expect(event.outcome).to.equal(action.outcome);
      expect(event.time.toISOString()).to.equal(time.toISOString());
      expect(event.details).to.include({ kind, ...want.details });
      if (action.outcome === 'failure') expect(event.reason).to.equal(action.reason);
      else expect(event.reason).to.equal(undefined);
      if (action.source.ip) expect(event.source).to.deep.equal({ ip: source.ip, userAgent: source.userAgent });
    });
  }

  it('a verification run from the page names its namespace, the events checked, the result and a summary', () => {
    const summary = 'problems: 1 (modified 1) in api-1; 129 events of 3 producers checked';
    const event = validateEvent(auditorEvent({ kind: 'integrity.verify', time, outcome: 'success', actor: carol, target: { namespace: 'default', rows: 129, result: 'problems', summary }, source }));
    expect(event.resource).to.deep.include({ type: 'audit_log', id: 'integrity:default' });
    expect(event.details).to.include({ kind: 'integrity.verify', via: 'web', namespace: 'default', rows: 129, result: 'problems', summary });
  });

  it('a retention run that removed nothing (or a dry run) is a read of the namespace, not a deletion', () => {
    const event = validateEvent(auditorEvent({ ...CASES['retention.run'].action, target: { namespace: 'ops', rows: 0, result: 'dry-run' } }));
    expect(event.action).to.equal('view');
  });

  it('a role change and a reset to another role carry the role as a diff (old and new)', () => {
    expect(auditorEvent(CASES['user.role'].action).diff).to.deep.equal({ role: { old: 'site_manager', new: 'member' } });
    expect(auditorEvent(CASES['user.reset'].action).diff).to.deep.equal({ role: { old: 'auditor', new: 'site_manager' } });
    expect(auditorEvent({ ...CASES['user.reset'].action, target: { user: 'erin', role: 'auditor', previousRole: 'auditor' } }).diff).to.equal(undefined);
  });

  it('a failed sign-in names the user name tried as the actor, with the reason; an empty name still gives a valid event', () => {
    const tried = validateEvent(auditorEvent({ kind: 'sign_in', time, outcome: 'failure', reason: 'wrong password', actor: { type: 'user', name: 'mallory' }, target: { status: 401 }, source }));
    expect(tried.actor).to.include({ id: 'mallory', name: 'mallory' });
    expect(tried.actor.roles).to.deep.equal([]);
    expect(tried.reason).to.equal('wrong password');
    expect(tried.resource).to.deep.equal({ type: 'user', id: 'mallory', target: 'mallory' });
    const empty = validateEvent(auditorEvent({ kind: 'sign_in', time, outcome: 'failure', reason: 'user name or password missing', actor: { type: 'user', name: '' }, target: { status: 401 }, source }));
    expect(empty.actor.id).to.equal('(none)');
    expect(empty.actor.name).to.equal(undefined);
  });

  it('a refused single sign-on without a subject, an odd e-mail or an over-long filter still give valid events', () => {
    const refused = validateEvent(auditorEvent({ kind: 'sso.sign_in', time, outcome: 'failure', reason: 'no sign-in under way', actor: { type: 'sso_user', issuer: 'https://idp.example.com' }, target: { status: 400 }, source }));
    expect(refused.actor.id).to.equal('sso:(unknown)');
    const odd = validateEvent(auditorEvent({ kind: 'sso.sign_in', time, outcome: 'success', actor: { ...sso, email: 'not an e-mail' } as AuditorActor, target: { status: 303 }, source }));
    expect(odd.actor.email).to.equal(undefined);
    expect(odd.details).to.include({ email: 'not an e-mail' });
    const long = validateEvent(auditorEvent({ ...CASES['audit.list'].action, target: { query: `text:${'x'.repeat(5000)}`, status: 200 } }));
    expect(long.resource.target).to.have.length(1024);
    expect(long.details?.query).to.have.length(5005);
  });

  it('a token made or revoked on Manage > Tokens: the signed-in user as actor, via the page', () => {
    const made = validateEvent(auditorEvent({ ...CASES['token.create'].action, actor: sso, target: { token: 'siem', role: 'auditor', expiresAt: '2027-02-22T10:15:30.000Z', status: 200 }, source }));
    expect(made.actor.id).to.equal('sso:sub-123');
    expect(made.resource).to.deep.equal({ type: 'api_key', id: 'siem', target: 'siem' });
    expect(made.details).to.include({ kind: 'token.create', via: 'web', token_name: 'siem', role: 'auditor', status: 200 });
    const refused = validateEvent(auditorEvent({ kind: 'token.revoke', time, outcome: 'failure', reason: "the role 'auditor' may not open Manage > Tokens", actor: carol, target: { token: 'siem', status: 403 }, source }));
    expect(refused).to.deep.include({ outcome: 'failure', reason: "the role 'auditor' may not open Manage > Tokens" });
    expect(refused.details).to.include({ via: 'web', status: 403 });
  });

  it('a single sign-on user’s sign-out says what became of the session at the provider', () => {
    const event = validateEvent(auditorEvent({ kind: 'sign_out', time, outcome: 'success', actor: sso, target: { status: 200, providerSignOut: 'requested' }, source }));
    expect(event.resource).to.deep.equal({ type: 'session', id: 'web:dana', target: 'dana' });
    expect(event.details).to.include({ kind: 'sign_out', via: 'web', provider_sign_out: 'requested', status: 200 });
  });

  it('the channel is the CLI for the OS user, the API for tokens and API kinds, else the page', () => {
    expect(channelOf(CASES['user.create'].action)).to.equal('cli');
    expect(channelOf(CASES['api.events.list'].action)).to.equal('api');
    expect(channelOf(CASES['audit.export'].action)).to.equal('web');
  });
});
