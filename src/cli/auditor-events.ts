// The pure mapping from an auditor's action (web view, API, command line) to the audit event that records it: which action of the vocabulary, who, what, the outcome and the details.
import type { AuditEventInput } from '../model/event.js';
import { LIMITS } from '../model/limits.js';
import type { Action, ResourceType } from '../model/vocabulary.js';
import type { AuditorAction, AuditorActionKind, AuditorActor } from '../web/auditor-action.js';

/** `service.name` of the events the web view and the command line write about their auditors. */
export const AUDITOR_SERVICE = 'audit-trail-web';

/** Where an action was taken: the page, the JSON API or the command line. */
export type AuditorChannel = 'web' | 'api' | 'cli';

interface Mapped {
  action: Action;
  resource: AuditEventInput['resource'];
  details?: Record<string, unknown>;
  diff?: AuditEventInput['diff'];
}

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
/** A non-empty short text, or the placeholder. */
const name = (text: string | undefined, placeholder = '(none)'): string => cut(text?.trim() || placeholder, LIMITS.shortText);
const filterTarget = (query: string | undefined): string => cut(query?.trim() || '(every event)', LIMITS.target);

const read = (id: string, target?: string): AuditEventInput['resource'] => ({ type: 'audit_log', id: name(id), ...(target ? { target } : {}) });
const retention = (a: AuditorAction): AuditEventInput['resource'] => read(`retention:${a.target.namespace ?? '(none)'}`, name(a.target.namespace, '(no namespace)'));
const entity = (type: ResourceType, value: string | undefined): AuditEventInput['resource'] => ({ type, id: name(value), target: name(value) });

/** Each kind: its action of the vocabulary and its resource. A kind without an entry does not compile. */
const MAPPINGS: { readonly [K in AuditorActionKind]: (a: AuditorAction) => Mapped } = {
  sign_in: (a) => ({ action: 'login', resource: entity('user', actorName(a.actor)), details: { method: 'password' } }),
  'sso.sign_in': (a) => {
    const who = a.actor.type === 'sso_user' ? a.actor : undefined;
    return { action: 'login', resource: { type: 'user', id: name(who?.subject ? `sso:${who.subject}` : undefined, 'sso:(unknown)'), target: name(actorName(a.actor)) }, details: { method: 'oidc', ...(who ? { issuer: who.issuer } : {}) } };
  },
  sign_out: (a) => ({ action: 'delete', resource: { type: 'session', id: name(`web:${actorName(a.actor) ?? ''}`), target: name(actorName(a.actor)) } }),
  'audit.list': (a) => ({ action: 'view', resource: read('events', filterTarget(a.target.query)) }),
  'api.events.list': (a) => ({ action: 'view', resource: read('events', filterTarget(a.target.query)) }),
  'audit.event': (a) => ({ action: 'view', resource: read(a.target.eventId ?? '(none)') }),
  'api.events.get': (a) => ({ action: 'view', resource: read(a.target.eventId ?? '(none)') }),
  'audit.export': (a) => ({ action: 'view', resource: read(`export.${a.target.format ?? 'unknown'}`, filterTarget(a.target.query)) }),
  'integrity.view': (a) => ({ action: 'view', resource: read('integrity', name(a.target.namespace, '(no namespace)')) }),
  'integrity.verify': (a) => ({
    action: 'view',
    resource: read(a.target.producer ? `integrity:${a.target.producer}` : a.target.namespace ? `integrity:${a.target.namespace}` : 'integrity', filterTarget(a.target.query)),
  }),
  'user.create': (a) => ({ action: 'create', resource: entity('user', a.target.user) }),
  'user.reset': (a) => ({
    action: 'write', resource: entity('user', a.target.user), details: { change: 'new password; sessions ended' },
    ...(a.target.previousRole && a.target.role && a.target.role !== a.target.previousRole ? { diff: { role: { old: a.target.previousRole, new: a.target.role } } } : {}),
  }),
  'user.role': (a) => ({ action: 'write', resource: entity('user', a.target.user), ...(a.target.role ? { diff: { role: { ...(a.target.previousRole ? { old: a.target.previousRole } : {}), new: a.target.role } } } : {}) }),
  'user.remove': (a) => ({ action: 'delete', resource: entity('user', a.target.user) }),
  'token.create': (a) => ({ action: 'create', resource: entity('api_key', a.target.token) }),
  'token.revoke': (a) => ({ action: 'delete', resource: entity('api_key', a.target.token) }),
  'retention.set': (a) => ({ action: 'write', resource: retention(a) }),
  'retention.hold': (a) => ({ action: 'write', resource: retention(a), details: { legal_hold: true } }),
  'retention.release': (a) => ({ action: 'write', resource: retention(a), details: { legal_hold: false } }),
  // A run that removed indices deleted audit data; one that removed nothing (or a dry run) only read the namespace.
  'retention.run': (a) => ({ action: (a.target.rows ?? 0) > 0 ? 'delete' : 'view', resource: retention(a) }),
};

/** The kinds that have a mapping (every kind: the unit test walks AUDITOR_ACTION_KINDS against this). */
export const MAPPED_KINDS: readonly string[] = Object.keys(MAPPINGS);

function actorName(actor: AuditorActor): string | undefined {
  if (actor.type === 'sso_user') return actor.name ?? actor.email ?? actor.subject;
  return actor.name;
}

/** An e-mail the event model takes (a stricter shape than it needs: anything else goes to the details). */
const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

function eventActor(actor: AuditorActor): { actor: AuditEventInput['actor']; details: Record<string, unknown> } {
  const roles = actor.role ? [actor.role] : [];
  switch (actor.type) {
    case 'token':
      return { actor: { id: name(`token:${actor.name}`), name: name(actor.name), roles }, details: { actor_type: 'api_token' } };
    case 'os_user':
      return { actor: { id: name(`os:${actor.name}`), name: name(actor.name), roles }, details: { actor_type: 'os_user' } };
    case 'sso_user': {
      const email = actor.email && EMAIL.test(actor.email) ? actor.email : undefined;
      const shown = actorName(actor);
      return {
        actor: { id: name(actor.subject ? `sso:${actor.subject}` : undefined, 'sso:(unknown)'), ...(shown ? { name: name(shown) } : {}), ...(email ? { email } : {}), roles },
        details: { actor_type: 'sso_user', issuer: actor.issuer, ...(actor.email && !email ? { email: cut(actor.email, LIMITS.shortText) } : {}) },
      };
    }
    default:
      // A local user of the web view; for a failed sign-in, the name tried (maybe empty).
      return { actor: { id: name(actor.name), ...(actor.name.trim() ? { name: name(actor.name) } : {}), roles }, details: { actor_type: 'web_user' } };
  }
}

/** The page, the API or the command line, from the kind and who acted. */
export function channelOf(action: AuditorAction): AuditorChannel {
  if (action.actor.type === 'os_user') return 'cli';
  if (action.actor.type === 'token' || action.kind.startsWith('api.')) return 'api';
  return 'web';
}

/** What a target says, in the details: only the keys that are set, snake_case, never a secret (targets hold none). */
function targetDetails(target: AuditorAction['target']): Record<string, unknown> {
  const keys: Record<keyof AuditorAction['target'], string> = {
    query: 'query', after: 'after', before: 'before', eventId: 'event_id', status: 'status', rows: 'rows', format: 'format',
    producer: 'producer', namespace: 'namespace', result: 'result', summary: 'summary', user: 'user', token: 'token_name', role: 'role', previousRole: 'previous_role', expiresAt: 'expires_at',
    providerSignOut: 'provider_sign_out',
  };
  const details: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(keys)) {
    const value = target[key as keyof typeof keys];
    if (value !== undefined && value !== '') details[field] = typeof value === 'string' ? cut(value, 8192) : value;
  }
  return details;
}

/** The audit event recording one action of an auditor. Pure: the same action gives the same event (ids aside). */
export function auditorEvent(action: AuditorAction): AuditEventInput {
  const mapped = MAPPINGS[action.kind](action);
  const who = eventActor(action.actor);
  const userAgent = action.source.userAgent?.trim();
  const source = { ...(action.source.ip ? { ip: action.source.ip } : {}), ...(userAgent ? { userAgent: cut(userAgent, LIMITS.userAgent) } : {}) };
  return {
    time: action.time,
    action: mapped.action,
    actor: who.actor,
    resource: mapped.resource,
    outcome: action.outcome,
    ...(action.outcome === 'failure' ? { reason: cut(action.reason?.trim() || 'refused', LIMITS.reason) } : {}),
    ...(Object.keys(source).length ? { source } : {}),
    ...(mapped.diff ? { diff: mapped.diff } : {}),
    details: { kind: action.kind, via: channelOf(action), ...who.details, ...targetDetails(action.target), ...mapped.details },
  };
}
