// Sample audit events for tests.
import type { AuditEventInput } from '../../src/model/event.js';

/** A complete, valid event; override any part. */
export function sampleEvent(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    id: '01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4e5f',
    time: '2026-11-20T10:15:30.123Z',
    action: 'create',
    actor: { id: 'u-alice', name: 'alice', email: 'alice@example.com', roles: ['member'] },
    resource: { type: 'workspace', id: 'ws-1', target: 'alice-dev' },
    outcome: 'success',
    source: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)', requestId: 'req-123' },
    ...overrides,
  };
}
