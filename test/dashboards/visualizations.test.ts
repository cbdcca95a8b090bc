import { expect } from '../helpers/chai.js';
import type { AuditDocument } from '../../src/model/ecs-document.js';
import { VISUALIZATIONS, visualizationId } from '../../src/dashboards/visualizations.js';
import { committedObjects, dashboardsLuceneQuery } from './objects.js';
import { useSeededNamespace, valueAt } from './seed.js';

interface Agg {
  id: string;
  type: string;
  schema: string;
  params: { field?: string; size?: number; order?: string; orderBy?: string; interval?: string; min_doc_count?: number };
}

/**
 * Dashboards resolves `interval: "auto"` from the time picker's range; the test stands in a fixed hour, which is
 * what "auto" gives for a range of a few days.
 */
const AUTO_INTERVAL_MS = 3_600_000;

/** Which events each visualization counts, written independently of its Lucene query. */
const EXPECTED_FILTER: Record<string, (d: AuditDocument) => boolean> = {
  'actions-over-time': () => true,
  'top-users': () => true,
  'top-targets': () => true,
  'failures-over-time': (d) => d.event.outcome === 'failure',
};

/** The bucket aggregations of a visState as the OpenSearch request Dashboards builds: nested in order, count as doc_count. */
function toOpenSearchAggs(aggs: Agg[]): Record<string, unknown> | undefined {
  const buckets = aggs.filter((a) => a.schema !== 'metric');
  for (const metric of aggs.filter((a) => a.schema === 'metric')) expect(metric.type, 'only count metrics are translated here').to.equal('count');
  let inner: Record<string, unknown> | undefined;
  for (const agg of [...buckets].reverse()) {
    let body: Record<string, unknown>;
    if (agg.type === 'date_histogram') {
      expect(agg.params.interval).to.equal('auto');
      body = { date_histogram: { field: agg.params.field, fixed_interval: `${AUTO_INTERVAL_MS / 1000}s`, min_doc_count: agg.params.min_doc_count } };
    } else if (agg.type === 'terms') {
      const countId = aggs.find((a) => a.type === 'count')!.id;
      expect(agg.params.orderBy, 'terms ordered by the count metric').to.equal(countId);
      body = { terms: { field: agg.params.field, size: agg.params.size, order: { _count: agg.params.order } } };
    } else {
      throw new Error(`no translation for agg type ${agg.type}: teach this test`);
    }
    if (inner) body.aggs = inner;
    inner = { [agg.id]: body };
  }
  return inner;
}

type Row = (string | number)[];

/** Flattens nested buckets into rows `[key, key, …, doc_count]`. */
function rowsFromResponse(aggs: Record<string, { buckets: ({ key: string | number; doc_count: number } & Record<string, unknown>)[] }>, ids: string[]): Row[] {
  const [id, ...rest] = ids;
  const rows: Row[] = [];
  for (const bucket of aggs[id!]!.buckets) {
    if (rest.length === 0) rows.push([bucket.key, bucket.doc_count]);
    else for (const row of rowsFromResponse(bucket as never, rest)) rows.push([bucket.key, ...row]);
  }
  return rows;
}

/** The same rows computed from the seeded documents in plain code. */
function expectedRows(docs: AuditDocument[], buckets: Agg[]): Row[] {
  const [agg, ...rest] = buckets;
  const groups = new Map<string | number, AuditDocument[]>();
  for (const doc of docs) {
    const value = valueAt(doc, agg!.params.field!);
    const key = agg!.type === 'date_histogram' ? Math.floor(Date.parse(value as string) / AUTO_INTERVAL_MS) * AUTO_INTERVAL_MS : (value as string);
    groups.set(key, [...(groups.get(key) ?? []), doc]);
  }
  let entries = [...groups.entries()];
  if (agg!.type === 'date_histogram') entries.sort((a, b) => (a[0] as number) - (b[0] as number));
  else {
    // terms: most documents first, ties by key ascending (OpenSearch's tie-break), cut at size.
    entries.sort((a, b) => b[1].length - a[1].length || String(a[0]).localeCompare(String(b[0])));
    entries = entries.slice(0, agg!.params.size);
  }
  const rows: Row[] = [];
  for (const [key, group] of entries) {
    if (rest.length === 0) rows.push([key, group.length]);
    else for (const row of expectedRows(group, rest)) rows.push([key, ...row]);
  }
  return rows;
}

describe('visualization aggregations run against the real node (seeded namespace)', () => {
  const seeded = useSeededNamespace();
  const { index } = seeded;
  const objects = committedObjects();

  it('every visualization has an independent expectation here', () => {
    expect(VISUALIZATIONS.map((v) => v.key).sort()).to.deep.equal(Object.keys(EXPECTED_FILTER).sort());
  });

  for (const spec of VISUALIZATIONS) {
    it(`"${spec.title}" returns the buckets the seeded events give`, async () => {
      const object = objects.find((o) => o.id === visualizationId(spec.key))!;
      const state = JSON.parse(object.attributes.visState as string) as { aggs: Agg[] };
      const source = JSON.parse((object.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as { query: { query: string } };
      const buckets = state.aggs.filter((a) => a.schema !== 'metric');
      const { body } = await seeded.client.search({ index, body: { size: 0, query: dashboardsLuceneQuery(source.query.query), aggs: toOpenSearchAggs(state.aggs) as never } });
      const actual = rowsFromResponse(body.aggregations as never, buckets.map((b) => b.id));
      const expected = expectedRows(seeded.docs.filter(EXPECTED_FILTER[spec.key]!), buckets);
      expect(expected.length, 'the seed must give this visualization several buckets').to.be.greaterThan(2);
      expect(actual).to.deep.equal(expected);
    });
  }

  it('"top targets" really cuts the list: the seed has more targets than it shows', () => {
    const size = VISUALIZATIONS.find((v) => v.key === 'top-targets')!.aggs.find((a) => a.type === 'terms')!.params;
    expect(new Set(seeded.docs.map((d) => d.audit_trail.resource.target)).size).to.be.greaterThan((size as { size: number }).size);
  });
});
