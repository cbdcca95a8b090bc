// Replicas chosen by set-up: counted from the data nodes or given, validated, set in the templates and on the namespace's indices.
import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { ConfigurationError } from '../../src/model/errors.js';
import { checkReplicaSetting, chooseReplicas, REPLICA_DEFAULTS } from '../../src/storage/replicas.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { checkpointStreamName, dataStreamName, INDEX_TEMPLATE_NAME } from '../../src/storage/template.js';
import { CHECKPOINT_TEMPLATE_NAME } from '../../src/model/vocabulary.js';

/** A client whose only answer is a cluster health with `dataNodes` data nodes. */
const clusterOf = (dataNodes: number) => ({ cluster: { health: async () => ({ body: { number_of_data_nodes: dataNodes } }) } }) as unknown as Client;

/** `index.number_of_replicas` and `index.auto_expand_replicas` of a template's settings. */
async function templateReplicaSettings(client: Client, name: string): Promise<{ replicas?: string; autoExpand?: string }> {
  const res = await client.indices.getIndexTemplate({ name });
  const index = (res.body.index_templates[0]!.index_template as { template: { settings: { index: { number_of_replicas?: string; auto_expand_replicas?: string } } } }).template.settings.index;
  return { replicas: index.number_of_replicas, autoExpand: index.auto_expand_replicas };
}

/** `index.number_of_replicas` of each backing index of a data stream. */
async function backingReplicas(client: Client, stream: string): Promise<string[]> {
  const res = await client.indices.getSettings({ index: stream, name: 'index.number_of_replicas' });
  return Object.values(res.body as Record<string, { settings: { index: { number_of_replicas: string } } }>).map((s) => s.settings.index.number_of_replicas);
}

describe('replicas chosen by set-up', () => {
  describe('the setting', () => {
    it('takes auto (the default), or a whole number from 0 to the maximum, also written as text', () => {
      expect(checkReplicaSetting(undefined)).to.equal('auto');
      expect(checkReplicaSetting('auto')).to.equal('auto');
      expect(checkReplicaSetting(0)).to.equal(0);
      expect(checkReplicaSetting('2')).to.equal(2);
      expect(checkReplicaSetting(REPLICA_DEFAULTS.max)).to.equal(REPLICA_DEFAULTS.max);
    });

    it('refuses anything else with a ConfigurationError naming the option', () => {
      for (const bad of [-1, 1.5, REPLICA_DEFAULTS.max + 1, 'many', '', true]) {
        expect(() => checkReplicaSetting(bad), JSON.stringify(bad)).to.throw(ConfigurationError, /^option "replicas" must be auto or a whole number of replicas from 0 to 5/);
      }
      expect(() => checkReplicaSetting('x', '--replicas')).to.throw(ConfigurationError, /^option "--replicas"/);
    });
  });

  describe('counting data nodes', () => {
    it('auto: none on one data node, one from two data nodes on', async () => {
      expect(await chooseReplicas(clusterOf(1))).to.deep.equal({ replicas: 0, dataNodes: 1, source: 'counted' });
      expect(await chooseReplicas(clusterOf(2))).to.deep.equal({ replicas: 1, dataNodes: 2, source: 'counted' });
      expect(await chooseReplicas(clusterOf(5), 'auto')).to.deep.equal({ replicas: 1, dataNodes: 5, source: 'counted' });
    });

    it('a given count wins, with a warning when the cluster cannot place it', async () => {
      expect(await chooseReplicas(clusterOf(3), 2)).to.deep.equal({ replicas: 2, dataNodes: 3, source: 'given' });
      const tooMany = await chooseReplicas(clusterOf(2), 2);
      expect(tooMany).to.include({ replicas: 2, source: 'given' });
      expect(tooMany.warning).to.equal('2 replica(s) need 3 data nodes and the cluster has 2: it stays yellow until enough join');
      expect(await chooseReplicas(clusterOf(1), 0)).to.deep.equal({ replicas: 0, dataNodes: 1, source: 'given' });
    });
  });

  describe('on the single-node test cluster', function () {
    this.timeout(60_000);
    let client: Client;
    const namespace = freshNamespace();
    before(() => {
      client = testClient();
    });
    after(async () => {
      // The templates are the cluster's: leave them as every other suite expects (counted, so none here).
      await setupAuditStorage(client, { namespace });
      await dropNamespace(client, namespace);
    });

    it('counts one data node and sets no replica, explicitly, in both templates and the new stream', async () => {
      const result = await setupAuditStorage(client, { namespace });
      expect(result.replicas).to.deep.equal({ replicas: 0, dataNodes: 1, source: 'counted' });
      for (const name of [INDEX_TEMPLATE_NAME, CHECKPOINT_TEMPLATE_NAME]) {
        expect(await templateReplicaSettings(client, name), name).to.deep.equal({ replicas: '0', autoExpand: 'false' });
      }
      expect(await backingReplicas(client, dataStreamName(namespace))).to.deep.equal(['0']);
    });

    it('a given count goes into the templates and onto the existing indices; auto takes it back', async () => {
      await client.index({ index: checkpointStreamName(namespace), body: { '@timestamp': new Date().toISOString() }, refresh: true });
      const given = await setupAuditStorage(client, { namespace, replicas: 1 });
      expect(given.replicas).to.include({ replicas: 1, source: 'given' });
      expect(given.replicas.warning).to.match(/need 2 data nodes and the cluster has 1/);
      expect(given.template).to.equal('unchanged');
      for (const name of [INDEX_TEMPLATE_NAME, CHECKPOINT_TEMPLATE_NAME]) {
        expect(await templateReplicaSettings(client, name), name).to.deep.equal({ replicas: '1', autoExpand: 'false' });
      }
      expect(await backingReplicas(client, dataStreamName(namespace))).to.deep.equal(['1']);
      expect(await backingReplicas(client, checkpointStreamName(namespace))).to.deep.equal(['1']);

      await setupAuditStorage(client, { namespace, replicas: 'auto' });
      expect(await templateReplicaSettings(client, INDEX_TEMPLATE_NAME)).to.deep.equal({ replicas: '0', autoExpand: 'false' });
      expect(await backingReplicas(client, dataStreamName(namespace))).to.deep.equal(['0']);
      expect(await backingReplicas(client, checkpointStreamName(namespace))).to.deep.equal(['0']);
    });

    it('rejects a bad count before writing anything', async () => {
      const other = freshNamespace();
      await expect(setupAuditStorage(client, { namespace: other, replicas: 9 })).to.be.rejectedWith(ConfigurationError, /"replicas"/);
      await expect(client.indices.getDataStream({ name: dataStreamName(other) })).to.be.rejected;
    });
  });
});
