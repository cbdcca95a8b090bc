import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { dataStreamName } from '../../src/storage/template.js';
import { listEvents, listNewer, type Cursor } from '../../src/query/list.js';
import { streamEvents } from '../../src/query/export-stream.js';
import { eventHistogram } from '../../src/query/histogram.js';
import type { AuditEvent } from '../../src/model/event.js';
import { seedEvents } from '../web/harness.js';
import { NOW, expectedIds, knownEvents } from '../web/known-events.js';

async function openPits(client: Client): Promise<number> {
  const res = await client.transport.request({ method: 'GET', path: '/_search/point_in_time/_all' });
  return ((res.body as { pits?: unknown[] }).pits ?? []).length;
}

describe('query module: paging both ways and the export stream (real OpenSearch)', () => {
  let client: Client;
  const namespace = freshNamespace();
  const index = dataStreamName(namespace);
  let events: AuditEvent[];

  before(async () => {
    client = testClient();
    events = await seedEvents(client, namespace, knownEvents());
  });
  after(async () => {
    await dropNamespace(client, namespace);
  });

  describe('newer/older cursors', () => {
    it('pages older to the end, then newer back to the start, with the same pages', async () => {
      const pages: string[][] = [];
      let res = await listEvents(client, { index, size: 6 });
      expect(res.prev).to.equal(undefined);
      pages.push(res.rows.map((r) => r.id));
      while (res.next) {
        res = await listEvents(client, { index, size: 6, after: res.next });
        pages.push(res.rows.map((r) => r.id));
      }
      expect(pages.map((p) => p.length)).to.deep.equal([6, 6, 6, 5]);
      expect(pages.flat()).to.deep.equal(expectedIds(events, {}));
      for (let i = pages.length - 2; i >= 0; i--) {
        res = await listEvents(client, { index, size: 6, before: res.prev as Cursor });
        expect(res.rows.map((r) => r.id)).to.deep.equal(pages[i]);
      }
      expect(res.prev).to.equal(undefined);
      expect(res.next).not.to.equal(undefined);
    });

    it('says there is no older page when the last page is exactly full', async () => {
      const res = await listEvents(client, { index, size: events.length });
      expect(res.rows).to.have.length(events.length);
      expect(res.next).to.equal(undefined);
    });
  });

  describe('listNewer (what a live tail polls)', () => {
    it('gives the events newer than a cursor, newest first, in batches that say whether more wait', async () => {
      const all = expectedIds(events, {});
      const cursorAt = (id: string): Cursor => {
        const row = events.find((e) => e.id === id)!;
        return [row.time.getTime(), row.id];
      };
      // Newer than the 10th newest: the 9 above it.
      const since = cursorAt(all[9]!);
      const batch = await listNewer(client, { index, since, size: 4 });
      expect(batch.rows.map((r) => r.id)).to.deep.equal(all.slice(5, 9));
      expect(batch.more).to.equal(true);
      const rest = await listNewer(client, { index, since, size: 9 });
      expect(rest.rows.map((r) => r.id)).to.deep.equal(all.slice(0, 9));
      expect(rest.more).to.equal(false);
      expect((await listNewer(client, { index, since: cursorAt(all[0]!), size: 5 })).rows).to.deep.equal([]);
    });

    it('keeps to the filter', async () => {
      const logins = expectedIds(events, { actions: ['login'] });
      const oldest = events.find((e) => e.id === logins[logins.length - 1])!;
      const res = await listNewer(client, { index, filter: { actions: ['login'] }, since: [oldest.time.getTime(), oldest.id], size: 100 });
      expect(res.rows.map((r) => r.id)).to.deep.equal(logins.slice(0, -1));
    });
  });

  describe('eventHistogram without a `from`', () => {
    it('starts at the oldest event, found once and then reused: one search per page instead of two', async () => {
      const searches: string[] = [];
      const count = (_error: unknown, event: { meta: { request: { params: { path: string } } } }): void => {
        if (event.meta.request.params.path.endsWith('/_search')) searches.push(event.meta.request.params.path);
      };
      client.on('request', count as never);
      try {
        const oldest = Math.min(...events.map((e) => e.time.getTime()));
        for (let i = 0; i < 3; i++) {
          const histogram = await eventHistogram(client, { index, now: NOW });
          expect(histogram!.from.getTime()).to.equal(oldest);
          expect(histogram!.buckets.reduce((n, b) => n + b.count, 0)).to.equal(events.length);
          expect(histogram!.partial).to.equal(false);
        }
      } finally {
        client.off('request', count as never);
      }
      expect(searches).to.have.length(4);
    });
  });

  describe('streamEvents (point in time + search_after)', () => {
    it('yields every matching event newest first across many batches, and closes its point in time', async () => {
      const before = await openPits(client);
      const ids: string[] = [];
      for await (const row of streamEvents(client, { index, batchSize: 4 })) ids.push(row.id);
      expect(ids).to.deep.equal(expectedIds(events, {}));
      const filtered: string[] = [];
      for await (const row of streamEvents(client, { index, batchSize: 2, filter: { outcomes: ['failure'] } })) filtered.push(row.id);
      expect(filtered).to.deep.equal(expectedIds(events, { outcomes: ['failure'] }));
      expect(await openPits(client)).to.equal(before);
    });

    it('closes its point in time when the reader stops early', async () => {
      const before = await openPits(client);
      for await (const row of streamEvents(client, { index, batchSize: 3 })) if (row) break;
      expect(await openPits(client)).to.equal(before);
    });

    it('yields nothing for an index that does not exist', async () => {
      const rows = [];
      for await (const row of streamEvents(client, { index: dataStreamName('t_missing_nowhere') })) rows.push(row);
      expect(rows).to.deep.equal([]);
    });
  });
});
