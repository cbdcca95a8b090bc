import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { freshNamespace } from '../helpers/namespace.js';
import { everyKeyFilter, sampleTexts } from '../helpers/filter-samples.js';
import { FILTER_KEYS, type FilterKey } from '../../src/query/filter-keys.js';
import { formatQuery, parseQuery } from '../../src/query/syntax.js';
import { dataStreamName } from '../../src/storage/template.js';
import { filterSearch, parsePageParams, takesSeveral } from '../../src/web/filter-params.js';
import { filterControls } from '../../src/web/filter-form.js';
import { exportFileName } from '../../src/web/export.js';
import { ACCOUNTS, HttpSession, startHarness, type Harness } from './harness.js';

const NOW = new Date('2026-11-25T00:00:00Z');
const parse = (query: Record<string, unknown>) => parsePageParams(query, { now: NOW, defaultSize: 50 });

/** URL parameters setting the key as the form would: every sample value of a list key, the first of a one-value key. */
const paramsOf = (key: FilterKey): Record<string, string | string[]> => ({ [key.name]: takesSeveral(key) ? sampleTexts(key) : sampleTexts(key)[0]! });
const everyKeyParams = (): Record<string, string | string[]> => Object.assign({}, ...FILTER_KEYS.map(paramsOf));
/** The part of the sample filter a form/URL sets (one value for a one-value key). */
const expectedFilterOf = (key: FilterKey): unknown => parse(paramsOf(key)).filter;

describe('filter-key table: every key reaches the URL, the form, the page and the export name', () => {
  describe('URL parameters', () => {
    for (const key of FILTER_KEYS) {
      it(`${key.name}: read into the filter and written back to the URL`, () => {
        const parsed = parse(paramsOf(key));
        expect(parsed.errors).to.deep.equal([]);
        expect(parsed.filter).to.have.all.keys(key.property);
        const search = new URLSearchParams(filterSearch(parsed.params));
        expect(search.getAll(key.name)).to.deep.equal([paramsOf(key)[key.name]].flat());
        expect(parse(Object.fromEntries([...search.keys()].map((k) => [k, search.getAll(k)]))).filter).to.deep.equal(expectedFilterOf(key));
      });
    }

    it('names the key in a message about a bad value of a closed list', () => {
      for (const key of FILTER_KEYS.filter((k) => 'values' in k)) expect(parse({ [key.name]: 'no-such-value' }).errors[0]).to.match(new RegExp(`^${key.label}: unknown`));
    });
  });

  describe('form controls', () => {
    it('has one control per key, named after it, holding the current values', () => {
      const controls = filterControls(parse(everyKeyParams()).params);
      expect(controls.map((c) => c.name)).to.deep.equal(FILTER_KEYS.map((k) => k.name));
      for (const [i, key] of FILTER_KEYS.entries()) {
        const control = controls[i]!;
        const current = control.choices ? control.choices.filter((c) => c.selected).map((c) => c.value) : [control.value];
        expect(current, key.name).to.deep.equal([paramsOf(key)[key.name]].flat());
      }
    });
  });

  describe('export file name', () => {
    it('names every key of the filter', () => {
      const name = exportFileName(everyKeyFilter(), 'csv', NOW);
      for (const key of FILTER_KEYS) expect(name).to.include(`${key.name}-`);
    });
  });

  describe('the rendered page (real OpenSearch, HTTP)', function () {
    this.timeout(30_000);
    let client: Client;
    let h: Harness;
    let html: string;

    before(async () => {
      client = testClient();
      // A namespace with no data stream: the page lists nothing, which is all this needs.
      h = await startHarness(client, dataStreamName(freshNamespace()), { now: () => NOW });
      const http = new HttpSession(h.web.url);
      expect((await http.signIn(ACCOUNTS.auditor)).status).to.equal(303);
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(everyKeyParams())) for (const v of [value].flat()) search.append(name, v);
      const res = await http.request(`/manage/audit?${search.toString()}`);
      expect(res.status).to.equal(200);
      html = await res.text();
    });
    after(async () => {
      await h?.close();
    });

    it('renders a labelled control for every key: checkboxes for a closed list, else a text field', () => {
      for (const key of FILTER_KEYS) {
        if (takesSeveral(key)) {
          expect(html, key.name).to.include(`<fieldset class="field choices" id="${key.name}">\n  <legend>${key.label}</legend>`);
          for (const value of 'values' in key ? key.values : []) expect(html, key.name).to.include(`<input type="checkbox" name="${key.name}" value="${value}"`);
        } else {
          expect(html, key.name).to.include(`<label for="${key.name}">${key.label}`);
          expect(html, key.name).to.match(new RegExp(`<input id="${key.name}" name="${key.name}"`));
        }
      }
    });

    it('echoes every key of the filter in the search syntax', () => {
      const echo = /<code>([^<]*)<\/code>\.<\/p>/.exec(html)?.[1]?.replace(/&quot;/g, '"').replace(/&#x3D;/g, '=');
      expect(echo).to.equal(formatQuery(parse(everyKeyParams()).filter));
      for (const key of FILTER_KEYS) expect(echo).to.include(`${key.name}:`);
    });

    it('links the export of every key, pinned in the search syntax', () => {
      const href = /href="(\/manage\/audit\/export\.csv[^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=') ?? '';
      const q = new URL(href, h.web.url).searchParams.get('q') ?? '';
      for (const key of FILTER_KEYS) expect(q, key.name).to.include(`${key.name}:`);
      expect(parseQuery(q)).to.deep.equal(parse(everyKeyParams()).filter);
    });
  });
});
