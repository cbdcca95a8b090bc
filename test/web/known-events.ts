// The known events the web tests seed: plain ones over every action, plus a diff, XSS payloads and formula cells.
import type { AuditEvent, AuditEventInput } from '../../src/model/event.js';
import type { AuditFilter } from '../../src/query/list.js';
import { ACTIONS, type ResourceType } from '../../src/model/vocabulary.js';

/** Events are 10 minutes apart from here; the app's clock is 30 minutes after the newest. */
export const BASE = Date.parse('2026-11-20T08:00:00Z');
export const XSS_NAME = '<script>alert("xss-name")</script>';
export const XSS_TARGET = '"><img src=x onerror=alert("xss-target")>';
export const SECRET_OLD = 'hash-old-7f3a9c';
export const SECRET_NEW = 'hash-new-2b8e1d';

const USERS = [
  { id: 'u-alice', name: 'alice', email: 'alice@example.com', roles: ['site_manager'] },
  { id: 'u-bob', name: 'bob', email: 'bob@example.com', roles: ['member'] },
  { id: 'u-carol', name: 'carol', email: 'carol@example.com', roles: ['auditor'] },
];
const TYPE: Record<string, ResourceType> = {
  auto_off: 'workspace', auto_start: 'workspace', connect: 'workspace', cordon: 'workspace_provider', create: 'image',
  delete: 'workspace', enqueue: 'job', login: 'user', open: 'workspace', ssh: 'workspace', stop: 'workspace',
  uncordon: 'workspace_provider', view: 'secret', write: 'user',
};

export function knownEvents(): AuditEventInput[] {
  const plain: AuditEventInput[] = Array.from({ length: 20 }, (_, i) => {
    const action = ACTIONS[i % ACTIONS.length]!;
    return {
      time: new Date(BASE + i * 600_000),
      action,
      actor: USERS[i % 3]!,
      resource: { type: TYPE[action]!, id: `r-${i}`, target: i % 4 === 0 ? 'Alice@Example.com' : `target-${i}` },
      outcome: i % 5 === 0 ? 'failure' : 'success',
      ...(i % 5 === 0 ? { reason: 'denied' } : {}),
      source: { ip: `203.0.113.${i + 1}` },
    };
  });
  return [
    ...plain,
    {
      time: new Date(BASE + 20 * 600_000),
      action: 'write',
      actor: USERS[0]!,
      resource: { type: 'user', id: 'u-dave', target: 'dave@example.com' },
      diff: { role: { old: 'member', new: 'auditor' }, password: { secret: true, old: SECRET_OLD, new: SECRET_NEW } },
      source: { ip: '198.51.100.7' },
    },
    {
      time: new Date(BASE + 21 * 600_000),
      action: 'create',
      actor: { id: 'u-evil', name: XSS_NAME, email: 'evil@example.com' },
      resource: { type: 'workspace', id: 'ws-evil', target: XSS_TARGET },
      details: { note: '<script>alert("xss-details")</script>', other: '"><img src=x onerror=alert("xss-details-2")>' },
      source: { ip: '198.51.100.66' },
    },
    {
      time: new Date(BASE + 22 * 600_000),
      action: 'create',
      actor: { id: 'u-formula', name: '+cmd|calc', email: 'formula@example.com' },
      resource: { type: 'dev_url', id: 'du-1', target: '=HYPERLINK("http://evil.example","x")' },
      source: { ip: '198.51.100.99' },
    },
  ];
}

/** The newest event time, and the app's clock. */
export const NEWEST = BASE + 22 * 600_000;
export const NOW = new Date(NEWEST + 30 * 60_000);

/** What the query module's filter should select, computed independently from the inputs (newest first). */
export function expectedIds(events: AuditEvent[], f: AuditFilter): string[] {
  const ci = (list: readonly string[] | undefined, ...values: (string | undefined)[]): boolean =>
    !list?.length || list.some((v) => values.some((x) => x !== undefined && x.toLowerCase() === v.toLowerCase()));
  return events
    .filter((e) => !f.actions?.length || f.actions.includes(e.action))
    .filter((e) => !f.resourceTypes?.length || f.resourceTypes.includes(e.resource.type))
    .filter((e) => !f.outcomes?.length || f.outcomes.includes(e.outcome))
    .filter((e) => ci(f.targets, e.resource.target))
    .filter((e) => ci(f.users, e.actor.id, e.actor.name, e.actor.email))
    .filter((e) => !f.from || e.time.getTime() >= f.from.getTime())
    .filter((e) => !f.to || e.time.getTime() < f.to.getTime())
    .sort((a, b) => b.time.getTime() - a.time.getTime())
    .map((e) => e.id);
}
