import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { sampleEvent } from '../helpers/events.js';
import { setupAuditStorage, installedTemplateVersion } from '../../src/storage/setup.js';
import { buildIndexTemplate, buildMappingProperties, dataStreamName, INDEX_TEMPLATE_NAME } from '../../src/storage/template.js';
import { validateEvent } from '../../src/model/event.js';
import { toEcsDocument } from '../../src/model/ecs-document.js';
import { ACTIONS, TEMPLATE_VERSION } from '../../src/model/vocabulary.js';
import { clusterVerdict } from '../../src/storage/cluster-version.js';
import { CONCURRENT_SEARCH, searchSettings } from '../../src/storage/search-settings.js';

describe('storage set-up (real OpenSearch)', () => {
  let client: Client;
  const namespace = freshNamespace();
  before(() => {
    client = testClient();
  });
  after(() => dropNamespace(client, namespace));

  describe('template installation', () => {
    it('upgrades an older template, then leaves it unchanged', async () => {
      const old = buildIndexTemplate();
      old.version = TEMPLATE_VERSION - 1;
      old._meta.version = TEMPLATE_VERSION - 1;
      await client.indices.putIndexTemplate({ name: INDEX_TEMPLATE_NAME, body: old as never });
      expect(await installedTemplateVersion(client)).to.equal(TEMPLATE_VERSION - 1);

      const first = await setupAuditStorage(client, { namespace });
      expect(first).to.include({ template: 'upgraded', previousVersion: TEMPLATE_VERSION - 1, dataStreamCreated: true });
      const second = await setupAuditStorage(client, { namespace });
      expect(second).to.include({ template: 'unchanged', dataStreamCreated: false, dataStream: dataStreamName(namespace) });
      expect(await installedTemplateVersion(client)).to.equal(TEMPLATE_VERSION);
    });

    it('reinstalls a template of the same version whose content differs', async () => {
      const edited = buildIndexTemplate();
      edited._meta.content_hash = 'edited-by-hand';
      await client.indices.putIndexTemplate({ name: INDEX_TEMPLATE_NAME, body: edited as never });
      expect((await setupAuditStorage(client, { namespace })).template).to.equal('upgraded');
      expect((await setupAuditStorage(client, { namespace })).template).to.equal('unchanged');
    });

    it('never downgrades a newer template', async () => {
      const newer = buildIndexTemplate();
      newer.version = TEMPLATE_VERSION + 1;
      await client.indices.putIndexTemplate({ name: INDEX_TEMPLATE_NAME, body: newer as never });
      try {
        expect((await setupAuditStorage(client, { namespace })).template).to.equal('newer-installed');
        expect(await installedTemplateVersion(client)).to.equal(TEMPLATE_VERSION + 1);
      } finally {
        await client.indices.putIndexTemplate({ name: INDEX_TEMPLATE_NAME, body: buildIndexTemplate() as never });
      }
    });

    it('the installed template is the generated one', async () => {
      const res = await client.indices.getIndexTemplate({ name: INDEX_TEMPLATE_NAME });
      const installed = res.body.index_templates[0]!.index_template as unknown as { template: { mappings: { properties: unknown } } };
      expect(installed.template.mappings.properties).to.deep.equal(buildMappingProperties());
    });
  });

  describe('concurrent segment search', () => {
    const verdictOf = (number: string) => clusterVerdict({ version: { number, distribution: 'opensearch' } });
    it('is asked for from OpenSearch 2.17 on, and not before or when the version is unknown', () => {
      expect(searchSettings(verdictOf('2.16.1'))).to.deep.equal({});
      expect(searchSettings(verdictOf('2.17.0'))).to.deep.equal({ [CONCURRENT_SEARCH.setting]: 'auto' });
      expect(searchSettings(verdictOf('3.1.0'))).to.deep.equal({ [CONCURRENT_SEARCH.setting]: 'auto' });
      expect(searchSettings(verdictOf('7.10.2'))).to.deep.equal({});
      expect(searchSettings(clusterVerdict({ tagline: 'The OpenSearch Project: https://opensearch.org/' }))).to.deep.equal({});
    });

    it('is set in the template and on the stream’s indices that were made without it', async () => {
      await client.indices.putIndexTemplate({ name: INDEX_TEMPLATE_NAME, body: buildIndexTemplate() as never });
      const other = freshNamespace();
      try {
        await client.indices.createDataStream({ name: dataStreamName(other) });
        const modeOf = async (): Promise<unknown[]> => {
          const res = await client.indices.getSettings({ index: dataStreamName(other), flat_settings: true } as never);
          return Object.values(res.body as Record<string, { settings: Record<string, unknown> }>).map((s) => s.settings[CONCURRENT_SEARCH.setting]);
        };
        expect(await modeOf()).to.deep.equal([undefined]);
        const result = await setupAuditStorage(client, { namespace: other });
        expect(result.concurrentSearch).to.equal('auto');
        expect(await modeOf()).to.deep.equal(['auto']);
        const res = await client.indices.getIndexTemplate({ name: INDEX_TEMPLATE_NAME });
        const settings = (res.body.index_templates[0]!.index_template as unknown as { template: { settings: unknown } }).template.settings;
        expect(settings).to.have.nested.property('index.search.concurrent_segment_search.mode', 'auto');
        expect((await setupAuditStorage(client, { namespace: other })).template).to.equal('unchanged');
      } finally {
        await dropNamespace(client, other);
      }
    });
  });

  describe('documents', () => {
    it('a document of every action indexes without changing the mapping', async () => {
      await setupAuditStorage(client, { namespace });
      const stream = dataStreamName(namespace);
      const before = await client.indices.getMapping({ index: stream });
      const body = ACTIONS.flatMap((action) => {
        const doc = toEcsDocument(
          validateEvent(sampleEvent({ id: undefined, action, diff: { a: { old: 1, new: { deep: [1, 2] } } }, details: { anything: { at: 'all' } } })),
          { meta: { labels: { extra: 'unmapped' }, surprise_field: 42 } },
        );
        return [{ create: { _index: stream, _id: doc.event.id } }, doc];
      });
      const res = await client.bulk({ body, refresh: true });
      expect(res.body.errors, JSON.stringify(res.body.items.slice(0, 2))).to.equal(false);
      const after = await client.indices.getMapping({ index: stream });
      expect(after.body).to.deep.equal(before.body);
      const count = await client.count({ index: stream });
      expect(count.body.count).to.equal(ACTIONS.length);
    });

    it('the stream’s backing index keeps its events in the list’s order: newest first, then by event id', async () => {
      const stream = dataStreamName(namespace);
      const res = await client.indices.getSettings({ index: stream, name: 'index.sort.*' } as never);
      const settings = Object.values(res.body as Record<string, { settings: { index: { sort: unknown } } }>).map((s) => s.settings.index.sort);
      expect(settings).to.have.length.above(0);
      for (const sort of settings) expect(sort).to.deep.equal({ field: ['@timestamp', 'event.id'], order: ['desc', 'desc'] });
    });

    it('refuses a document whose typed field is wrong (an ip that is not one)', async () => {
      const stream = dataStreamName(namespace);
      const doc = toEcsDocument(validateEvent(sampleEvent({ id: undefined })));
      (doc.client as { ip: string }).ip = 'not-an-ip';
      const res = await client.bulk({ body: [{ create: { _index: stream, _id: doc.event.id } }, doc] });
      expect(res.body.items[0]!.create!.status).to.equal(400);
    });
  });
});
