import { readFileSync } from 'node:fs';
import { expect } from '../helpers/chai.js';
import { validateEvent } from '../../src/model/event.js';
import { toEcsDocument, type DocumentContext } from '../../src/model/ecs-document.js';
import { ECS_VERSION, FIELDS, RESERVED_TOP_LEVEL_KEYS } from '../../src/model/vocabulary.js';
import { sampleEvent } from '../helpers/events.js';

const golden = (name: string): unknown => JSON.parse(readFileSync(new URL(`../golden/${name}.json`, import.meta.url), 'utf8'));
const context: DocumentContext = {
  created: new Date('2026-11-20T10:15:31.000Z'),
  level: 'info',
  service: { name: 'workspaces', version: '1.2.3' },
  hostname: 'app-1',
  producer: 'app-1-4242-abcd',
  sequence: 7,
};

describe('ECS document', () => {
  describe('golden examples', () => {
    it('a user creating a workspace, with a diff', () => {
      const event = validateEvent(sampleEvent({ diff: { name: { old: null, new: 'alice-dev' } }, details: { template: 'go' } }));
      expect(toEcsDocument(event, context)).to.deep.equal(golden('create-workspace'));
    });

    it('the system turning a workspace off (no source, system actor)', () => {
      const event = validateEvent({
        id: '01936f3e-8a4b-7c2d-9e1f-0a1b2c3d4e60',
        time: '2026-11-21T03:00:00.000Z',
        action: 'auto_off',
        actor: { id: 'system', name: 'Coder system', type: 'system' },
        resource: { type: 'workspace', id: 'ws-1', target: 'alice-dev' },
      });
      expect(toEcsDocument(event, { created: new Date('2026-11-21T03:00:00.500Z') })).to.deep.equal(golden('auto-off'));
    });

    it('a failed login on a user adds the iam category and the reason', () => {
      const event = validateEvent(sampleEvent({ action: 'login', outcome: 'failure', reason: 'bad password', resource: { type: 'user', id: 'u-alice', target: 'alice@example.com' } }));
      const doc = toEcsDocument(event, context);
      expect(doc.event.category).to.deep.equal(['authentication', 'iam']);
      expect(doc.event.reason).to.equal('bad password');
      expect(doc.message).to.equal('alice logged in as user alice@example.com (failed)');
    });
  });

  describe('shape', () => {
    it('@timestamp is the event’s own time, not the time of shaping', () => {
      const doc = toEcsDocument(validateEvent(sampleEvent()), { created: new Date('2030-01-01T00:00:00Z') });
      expect(doc['@timestamp']).to.equal('2026-11-20T10:15:30.123Z');
      expect(doc.event.created).to.equal('2030-01-01T00:00:00.000Z');
    });

    it('uses the ECS version of @elastic/ecs-winston-format', () => {
      expect(toEcsDocument(validateEvent(sampleEvent())).ecs.version).to.equal(ECS_VERSION).and.match(/^\d+\.\d+\.\d+$/);
    });

    it('is pure: same input, same output', () => {
      const event = validateEvent(sampleEvent());
      expect(toEcsDocument(event, context)).to.deep.equal(toEcsDocument(event, context));
    });

    it('every leaf it writes is a field of the vocabulary', () => {
      const event = validateEvent(sampleEvent({ diff: { a: { old: 1, new: 2 } }, details: { k: 'v' }, reason: 'r' }));
      const doc = toEcsDocument(event, context) as Record<string, unknown>;
      const names = new Set<string>(FIELDS.map((f) => f.name));
      const leaves: string[] = [];
      const walk = (value: unknown, path: string) => {
        if (names.has(path)) return void leaves.push(path);
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
        } else {
          leaves.push(`UNKNOWN ${path}`);
        }
      };
      walk(doc, '');
      expect(leaves.filter((l) => l.startsWith('UNKNOWN'))).to.deep.equal([]);
    });
  });

  describe('caller metadata', () => {
    const hostile: Record<string, unknown> = {
      '@timestamp': '1999-01-01T00:00:00Z',
      event: { action: 'delete', outcome: 'success' },
      'event.action': 'delete',
      'user.name': 'mallory',
      user: { id: 'mallory' },
      client: { ip: '10.9.9.9' },
      'audit_trail.resource.type': 'secret',
      audit_trail: { diff: { forged: true } },
      ecs: { version: '0.0.1' },
      message: 'nothing happened',
      labels: { team: 'platform' },
      'trace.id': 'abc',
    };

    it('can never overwrite an ECS or audit_trail field', () => {
      const event = validateEvent(sampleEvent());
      const clean = toEcsDocument(event, context);
      const withMeta = toEcsDocument(event, { ...context, meta: hostile });
      for (const key of RESERVED_TOP_LEVEL_KEYS) expect(withMeta[key], key).to.deep.equal(clean[key]);
      expect(Object.keys(withMeta).filter((k) => k.includes('.') && RESERVED_TOP_LEVEL_KEYS.includes(k.split('.')[0]!))).to.deep.equal([]);
    });

    it('keeps metadata that collides with nothing', () => {
      const doc = toEcsDocument(validateEvent(sampleEvent()), { meta: hostile });
      expect(doc.labels).to.deep.equal({ team: 'platform' });
      expect(doc['trace.id']).to.equal('abc');
    });
  });
});
