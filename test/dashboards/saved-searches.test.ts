import { expect } from '../helpers/chai.js';
import type { AuditDocument } from '../../src/model/ecs-document.js';
import { SAVED_SEARCHES, savedSearchId } from '../../src/dashboards/saved-searches.js';
import { committedObjects, dashboardsLuceneQuery } from './objects.js';
import { useSeededNamespace } from './seed.js';

/** What each saved search must return, written independently of its Lucene query. */
const EXPECTED: Record<string, (d: AuditDocument) => boolean> = {
  'all-events': () => true,
  'sign-ins': (d) => d.event.action === 'login',
  'failed-sign-ins': (d) => d.event.action === 'login' && d.event.outcome === 'failure',
  deletions: (d) => d.event.action === 'delete',
  'terminal-sessions': (d) => d.event.action === 'ssh',
  'workspace-access': (d) => ['connect', 'open', 'ssh'].includes(d.event.action),
  'secret-reads': (d) => d.event.action === 'view',
  'provider-cordon': (d) => d.event.action === 'cordon' || d.event.action === 'uncordon',
  automatic: (d) => d.event.action === 'auto_off' || d.event.action === 'auto_start',
  'user-changes': (d) => d.event.action === 'write' && d.audit_trail.resource.type === 'user',
  'jobs-enqueued': (d) => d.event.action === 'enqueue',
  failures: (d) => d.event.outcome === 'failure',
  'api-keys': (d) => d.audit_trail.resource.type === 'api_key',
  'audit-roles': (d) => d.user.roles.includes('site_manager') || d.user.roles.includes('auditor'),
};

describe('saved searches run against the real node (seeded namespace)', () => {
  const seeded = useSeededNamespace();
  const { index } = seeded;
  const objects = committedObjects();

  it('every saved search has an independent expectation here', () => {
    expect(SAVED_SEARCHES.map((s) => s.key).sort()).to.deep.equal(Object.keys(EXPECTED).sort());
  });

  for (const spec of SAVED_SEARCHES) {
    it(`"${spec.title}" returns exactly the expected events, newest first`, async () => {
      const object = objects.find((o) => o.id === savedSearchId(spec.key))!;
      const source = JSON.parse((object.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as { query: { query: string } };
      const sort = (object.attributes.sort as [string, 'asc' | 'desc'][]).map(([field, order]) => ({ [field]: { order } }));
      const { body } = await seeded.client.search({ index, body: { query: dashboardsLuceneQuery(source.query.query), sort, size: 1000, _source: false } });
      const expected = seeded.docs
        .filter(EXPECTED[spec.key]!)
        .sort((a, b) => b['@timestamp'].localeCompare(a['@timestamp']))
        .map((d) => d.event.id);
      expect(expected.length, 'the seed must give this search something to find').to.be.greaterThan(0);
      if (spec.key !== 'all-events') expect(expected.length, 'the seed must give this search something to leave out').to.be.lessThan(seeded.docs.length);
      expect(body.hits.hits.map((h) => h._id)).to.deep.equal(expected);
    });
  }
});
