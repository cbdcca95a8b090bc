import { expect } from '../helpers/chai.js';
import { committedNdjson, committedObjects, luceneFields, templateFieldTypes, type ParsedObject } from './objects.js';
import { ACTIONS } from '../../src/model/vocabulary.js';
import { INDEX_PATTERN } from '../../src/storage/template.js';
import { SAVED_SEARCHES, savedSearchId } from '../../src/dashboards/saved-searches.js';
import { VISUALIZATIONS, visualizationId } from '../../src/dashboards/visualizations.js';
import { DASHBOARD_ID } from '../../src/dashboards/dashboard.js';
import { INDEX_PATTERN_ID, META_FIELDS } from '../../src/dashboards/index-pattern.js';

/**
 * Attributes each type needs, stated here from Dashboards' 2.x type registrations (not from the generator):
 * index-pattern `src/plugins/data/server/saved_objects/index_patterns.ts` + `IndexPatternAttributes`;
 * search `src/plugins/discover/server/saved_objects/search.ts`;
 * visualization `src/plugins/visualizations/server/saved_objects/visualization.ts`;
 * dashboard `src/plugins/dashboard/server/saved_objects/dashboard.ts`.
 */
const REQUIRED: Record<string, Record<string, 'string' | 'number' | 'boolean' | 'object'>> = {
  'index-pattern': { title: 'string', timeFieldName: 'string', fields: 'string' },
  search: { title: 'string', description: 'string', columns: 'object', sort: 'object', kibanaSavedObjectMeta: 'object' },
  visualization: { title: 'string', visState: 'string', uiStateJSON: 'string', description: 'string', kibanaSavedObjectMeta: 'object' },
  dashboard: { title: 'string', panelsJSON: 'string', optionsJSON: 'string', timeRestore: 'boolean', kibanaSavedObjectMeta: 'object' },
};
/** Newest migration of each type in Dashboards 2.x (highest key of each `*_migrations.ts` map). */
const LATEST_MIGRATION: Record<string, string> = { 'index-pattern': '7.6.0', search: '7.9.3', visualization: '7.10.0', dashboard: '7.9.3' };

const byType = (objects: ParsedObject[], type: string) => objects.filter((o) => o.type === type);
const searchSource = (o: ParsedObject) => JSON.parse((o.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as {
  query: { query: string; language: string };
  indexRefName?: string;
  index?: string;
};

describe('Dashboards saved objects (dashboards/audit-trail.ndjson)', () => {
  const objects = committedObjects();
  const fields = templateFieldTypes();

  describe('the file is importable 2.x NDJSON', () => {
    it('has one JSON object a line, ending with a newline, and nothing else', () => {
      const text = committedNdjson();
      expect(text.endsWith('}\n')).to.equal(true);
      expect(text).to.not.include('\n\n');
      expect(objects.length).to.equal(1 + SAVED_SEARCHES.length + VISUALIZATIONS.length + 1);
      for (const o of objects) expect(Object.keys(o).sort(), o.id).to.deep.equal(['attributes', 'id', 'migrationVersion', 'references', 'type']);
    });

    it('gives every object the attributes its type needs, with the right JSON types', () => {
      for (const o of objects) {
        const required = REQUIRED[o.type];
        expect(required, `${o.type} is not a type this file should hold`).to.not.equal(undefined);
        for (const [name, kind] of Object.entries(required!)) expect(typeof o.attributes[name], `${o.type}:${o.id} ${name}`).to.equal(kind);
        for (const name of ['visState', 'uiStateJSON', 'panelsJSON', 'optionsJSON', 'fields']) {
          if (name in o.attributes) expect(() => JSON.parse(o.attributes[name] as string), `${o.id} ${name}`).to.not.throw();
        }
      }
    });

    it('carries the newest 2.x migration version of its type, so Dashboards stores it as written', () => {
      for (const o of objects) expect(o.migrationVersion, o.id).to.deep.equal({ [o.type]: LATEST_MIGRATION[o.type] });
    });

    it('has unique, stable ids', () => {
      const keys = objects.map((o) => `${o.type}:${o.id}`);
      expect(new Set(keys).size).to.equal(keys.length);
      expect(new Set(objects.map((o) => o.id)).size).to.equal(objects.length);
      for (const o of objects) expect(o.id).to.match(/^audit-trail-[a-z0-9-]+$/);
      expect(objects.map((o) => o.id)).to.include.members([INDEX_PATTERN_ID, DASHBOARD_ID, savedSearchId('all-events'), visualizationId('actions-over-time')]);
    });

    it('lists referenced objects before the objects that reference them', () => {
      const seen = new Set<string>();
      for (const o of objects) {
        for (const r of o.references) expect(seen.has(`${r.type}:${r.id}`), `${o.id} → ${r.type}:${r.id}`).to.equal(true);
        seen.add(`${o.type}:${o.id}`);
      }
    });
  });

  describe('references resolve inside the file', () => {
    it('every reference names an object of that type and id in the file', () => {
      const keys = new Set(objects.map((o) => `${o.type}:${o.id}`));
      for (const o of objects) for (const r of o.references) expect(keys.has(`${r.type}:${r.id}`), `${o.id} → ${r.type}:${r.id}`).to.equal(true);
    });

    it('searches and visualizations point at the index pattern through indexRefName, never an inline index', () => {
      for (const o of [...byType(objects, 'search'), ...byType(objects, 'visualization')]) {
        const source = searchSource(o);
        expect(source.index, o.id).to.equal(undefined);
        const ref = o.references.find((r) => r.name === source.indexRefName);
        expect(ref, `${o.id} indexRefName ${source.indexRefName}`).to.deep.equal({ name: 'kibanaSavedObjectMeta.searchSourceJSON.index', type: 'index-pattern', id: INDEX_PATTERN_ID });
        expect(source.query.language).to.equal('lucene');
      }
    });

    it('the dashboard has a panel for every visualization and the "all events" search, each by panelRefName', () => {
      const [dashboard] = byType(objects, 'dashboard');
      const panels = JSON.parse(dashboard!.attributes.panelsJSON as string) as { panelRefName: string; panelIndex: string; gridData: { w: number } }[];
      const targets = panels.map((p) => dashboard!.references.find((r) => r.name === p.panelRefName));
      expect(targets.map((t) => t && `${t.type}:${t.id}`)).to.deep.equal([
        ...VISUALIZATIONS.map((v) => `visualization:${visualizationId(v.key)}`),
        `search:${savedSearchId('all-events')}`,
      ]);
      expect(new Set(panels.map((p) => p.panelIndex)).size).to.equal(panels.length);
      for (const p of panels) expect(p.gridData.w).to.be.within(1, 48);
    });
  });

  describe('every field named anywhere exists in the template', () => {
    it('the index pattern lists exactly the template fields (and sub-fields) with their mapping types', () => {
      const [pattern] = byType(objects, 'index-pattern');
      expect(pattern!.attributes.title).to.equal(INDEX_PATTERN);
      expect(pattern!.attributes.timeFieldName).to.equal('@timestamp');
      expect(fields.get('@timestamp')).to.equal('date');
      const list = JSON.parse(pattern!.attributes.fields as string) as { name: string; type: string; esTypes: string[]; aggregatable: boolean }[];
      const own = list.filter((f) => !META_FIELDS.some((m) => m.name === f.name));
      expect(own.map((f) => f.name).sort()).to.deep.equal([...fields.keys()].sort());
      for (const f of own) expect(f.esTypes, f.name).to.deep.equal([fields.get(f.name)]);
      const expectedType: Record<string, string> = { keyword: 'string', date: 'date', ip: 'ip', long: 'number' };
      for (const f of own) if (expectedType[f.esTypes[0]!]) expect(f.type, f.name).to.equal(expectedType[f.esTypes[0]!]);
      for (const f of own) expect(f.aggregatable, f.name).to.equal(['keyword', 'date', 'ip', 'long'].includes(f.esTypes[0]!));
    });

    it('saved-search columns, sort and queries name only template fields', () => {
      for (const o of byType(objects, 'search')) {
        const named = [
          ...(o.attributes.columns as string[]),
          ...(o.attributes.sort as [string, string][]).map(([field]) => field),
          ...luceneFields(searchSource(o).query.query),
        ];
        for (const name of named) expect(fields.has(name), `${o.id} names ${name}`).to.equal(true);
        expect(o.attributes.sort).to.deep.equal([['@timestamp', 'desc']]);
        expect(o.attributes.columns).to.deep.equal(['user.name', 'event.action', 'audit_trail.resource.type', 'audit_trail.resource.target', 'event.outcome', 'source.ip']);
      }
    });

    it('visualization aggregations and queries name only aggregatable template fields', () => {
      for (const o of byType(objects, 'visualization')) {
        const state = JSON.parse(o.attributes.visState as string) as { title: string; aggs: { params: { field?: string } }[] };
        expect(state.title).to.equal(o.attributes.title);
        for (const agg of state.aggs) {
          if (agg.params.field === undefined) continue;
          expect(['keyword', 'date', 'ip', 'long'], `${o.id} aggregates ${agg.params.field}`).to.include(fields.get(agg.params.field));
        }
        for (const name of luceneFields(searchSource(o).query.query)) expect(fields.has(name), `${o.id} names ${name}`).to.equal(true);
      }
    });
  });

  describe('follows the vocabulary', () => {
    it('splits "actions over time" into one series per action of the vocabulary', () => {
      const vis = byType(objects, 'visualization').find((o) => o.id === visualizationId('actions-over-time'))!;
      const state = JSON.parse(vis.attributes.visState as string) as { aggs: { type: string; params: { field?: string; size?: number } }[] };
      const split = state.aggs.find((a) => a.type === 'terms')!;
      expect(split.params).to.include({ field: 'event.action', size: ACTIONS.length });
    });

    it('titles each search after the question it answers, in the description', () => {
      for (const spec of SAVED_SEARCHES) {
        const o = objects.find((x) => x.id === savedSearchId(spec.key))!;
        expect(o.attributes).to.include({ title: spec.title, description: spec.question });
      }
    });
  });
});
