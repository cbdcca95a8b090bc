import { expect } from '../helpers/chai.js';
import { countText } from '../../src/web/page-view.js';
import { withoutEmptyParams } from '../../src/web/clean-url.js';
import { histogramView } from '../../src/web/histogram-view.js';
import { eventHistogram, stepFor, type Histogram } from '../../src/query/histogram.js';
import { ConfigurationError } from '../../src/model/errors.js';
import { parsePageParams } from '../../src/web/filter-params.js';

/** A complete histogram of two one-hour buckets from 2026-11-24 10:00 UTC with these counts. */
const histogramOf = (counts: [number, number]): Histogram => ({
  interval: '1h',
  from: new Date('2026-11-24T10:00Z'),
  to: new Date('2026-11-24T12:00Z'),
  buckets: counts.map((count, i) => ({ start: new Date(Date.parse('2026-11-24T10:00Z') + i * 3600_000), end: new Date(Date.parse('2026-11-24T11:00Z') + i * 3600_000), count })),
  partial: false,
  budgetMs: 300,
  took: 1,
});

describe('list page parts', () => {
  describe('the count', () => {
    it('reads "1–50 of 3,036", and "of 10,000+" when the total is a lower bound', () => {
      expect(countText(1, 50, { value: 3036, relation: 'eq' })).to.deep.equal({ shown: '1–50', total: '3,036' });
      expect(countText(49_951, 50, { value: 10_000, relation: 'gte' })).to.deep.equal({ shown: '49,951–50,000', total: '10,000+' });
      expect(countText(1, 0, { value: 0, relation: 'eq' })).to.deep.equal({ shown: '0', total: '0' });
    });
  });

  describe('clean URLs', () => {
    it('drops empty parameters and keeps the rest in order', () => {
      expect(withoutEmptyParams('/manage/audit?q=&action=login&user=+&action=view')).to.equal('/manage/audit?action=login&action=view');
      expect(withoutEmptyParams('/manage/audit?range=')).to.equal('/manage/audit');
    });
    it('leaves a clean URL alone', () => {
      expect(withoutEmptyParams('/manage/audit?action=login')).to.equal(undefined);
      expect(withoutEmptyParams('/manage/audit')).to.equal(undefined);
    });
  });

  describe('the histogram', () => {
    it('takes the narrowest step giving at most 60 bars', () => {
      expect(stepFor(3600_000, 60)[0]).to.equal('1m');
      expect(stepFor(7 * 86_400_000, 60)[0]).to.equal('3h');
      expect(stepFor(30 * 86_400_000, 60)[0]).to.equal('12h');
    });
    it('links each bar with events to its range, and none without', () => {
      const params = parsePageParams({ action: 'login', range: '7d' }, { now: new Date('2026-11-24T12:00Z'), defaultSize: 50 }).params;
      const view = histogramView(
        {
          ...histogramOf([0, 7]),
        },
        params,
      )!;
      expect(view.bars[0]!.href).to.equal(undefined);
      expect(view.bars[1]!.href).to.equal('/manage/audit?action=login&from=2026-11-24T11%3A00%3A00.000Z&to=2026-11-24T12%3A00%3A00.000Z');
      expect(view.bars[1]!.label).to.equal('7 events, 2026-11-24 11:00 UTC – 2026-11-24 12:00 UTC');
      expect(view.partial).to.equal(undefined);
    });
    it('keeps every other part of the URL in each bar link, a value holding the marks of the link maker included', () => {
      const now = new Date('2026-11-24T12:00Z');
      for (const target of ['web-01', 'a\u0001b\u0002c', '%01%02']) {
        const params = parsePageParams({ target, q: 'user:alice', tz: 'utc', range: '7d', action: ['login', 'create'] }, { now, defaultSize: 50 }).params;
        const href = histogramView(histogramOf([0, 3]), params)!.bars[1]!.href!;
        const query = new URL(href, 'http://x').searchParams;
        expect([...query.keys()], target).to.deep.equal(['action', 'action', 'target', 'from', 'to', 'q', 'tz']);
        expect(query.get('target'), target).to.equal(target);
        expect([query.get('from'), query.get('to'), query.get('q')], target).to.deep.equal(['2026-11-24T11:00:00.000Z', '2026-11-24T12:00:00.000Z', 'user:alice']);
      }
    });
    it('refuses a time budget that is not a positive whole number of milliseconds, naming the option', async () => {
      for (const budgetMs of [0, -5, 2.5]) {
        await expect(eventHistogram(null as never, { now: new Date(), budgetMs })).to.be.rejectedWith(ConfigurationError, 'budgetMs');
      }
    });
    it('says so when counting stopped at its time budget, and that the list is complete', () => {
      const params = parsePageParams({}, { now: new Date('2026-11-24T12:00Z'), defaultSize: 50 }).params;
      const view = histogramView({ ...histogramOf([3, 4]), partial: true, budgetMs: 300 }, params)!;
      expect(view.partial).to.equal('Partial: counting stopped after 300 ms, so the bars show only part of the matching events (the list below is complete).');
      expect(view.bars.map((b) => b.count)).to.deep.equal([3, 4]);
    });
  });
});
