// The cluster version check: verdicts on fake GET / answers, and on the real test node.
import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { checkClusterVersion, clusterVerdict, UnsupportedClusterError } from '../../src/storage/cluster-version.js';
import { setupAuditStorage } from '../../src/storage/setup.js';

const openSearch = (number: string) => ({ name: 'n', cluster_name: 'c', version: { distribution: 'opensearch', number, build_type: 'tar' }, tagline: 'The OpenSearch Project: https://opensearch.org/' });

describe('cluster version check', () => {
  describe('verdicts on GET / answers', () => {
    it('accepts OpenSearch 2.15 and newer, 3.x included', () => {
      for (const v of ['2.15.0', '2.19.6', '2.20.0', '3.0.0']) expect(clusterVerdict(openSearch(v)), v).to.include({ kind: 'supported', supported: true, version: v });
    });

    it('refuses OpenSearch older than 2.15 and says to upgrade', () => {
      for (const v of ['1.3.19', '2.11.1', '2.12.0', '2.14.9']) {
        const verdict = clusterVerdict(openSearch(v));
        expect(verdict, v).to.include({ kind: 'too-old', supported: false, version: v });
        expect(verdict.message).to.include(`OpenSearch ${v}, older than 2.15.0`).and.include('upgrade the cluster').and.include("run 'audit-trail setup' again");
      }
    });

    it('refuses Elasticsearch', () => {
      const verdict = clusterVerdict({ name: 'es', version: { number: '8.15.0', build_flavor: 'default' }, tagline: 'You Know, for Search' });
      expect(verdict).to.include({ kind: 'not-opensearch', supported: false, version: '8.15.0' });
      expect(verdict.message).to.include('Elasticsearch').and.include('OPENSEARCH_URL');
      expect(clusterVerdict('<html>proxy</html>')).to.include({ kind: 'not-opensearch', supported: false });
    });

    it('goes on, saying so, when OpenSearch hides its version', () => {
      const compat = { version: { number: '7.10.2', distribution: 'opensearch' }, tagline: 'The OpenSearch Project: https://opensearch.org/' };
      expect(clusterVerdict(compat)).to.include({ kind: 'unknown', supported: true });
      expect(clusterVerdict({ version: {}, tagline: 'The OpenSearch Project' })).to.include({ kind: 'unknown', supported: true });
    });
  });

  describe('against the real test node', () => {
    it('finds a supported OpenSearch', async () => {
      const verdict = await checkClusterVersion(testClient());
      expect(verdict.kind).to.equal('supported');
      expect(verdict.version).to.match(/^2\.\d+\.\d+$/);
    });

  });

  describe('setup on a cluster that refuses the template', () => {
    /** A stand-in client: one data node, no template yet, the put refused with a mapping error, GET / answering `version`. */
    const refusingClient = (version: string) =>
      ({
        info: async () => ({ body: openSearch(version) }),
        cluster: { health: async () => ({ body: { number_of_data_nodes: 1 } }) },
        indices: {
          getIndexTemplate: async () => Promise.reject(Object.assign(new Error('not found'), { meta: { statusCode: 404 } })),
          putIndexTemplate: async () => Promise.reject(Object.assign(new Error('mapper_parsing_exception: No handler for type [wildcard]'), { meta: { statusCode: 400 } })),
        },
      }) as unknown as Client;

    it('throws UnsupportedClusterError naming the version instead of the raw mapping error', async () => {
      const error = (await setupAuditStorage(refusingClient('2.11.1')).catch((e: unknown) => e)) as UnsupportedClusterError;
      expect(error).to.be.instanceOf(UnsupportedClusterError);
      expect(error.verdict.kind).to.equal('too-old');
      expect(error.message).to.include('OpenSearch 2.11.1, older than 2.15.0');
    });

    it('keeps the original error when the version is supported', async () => {
      await expect(setupAuditStorage(refusingClient('2.19.6'))).to.be.rejectedWith(/mapper_parsing_exception/);
    });
  });

  describe('setup and the version it reads', () => {
    /** A stand-in client that lets set-up through (one data node, no template yet), GET / answered by `info`; the templates put are kept. */
    const permissiveClient = (info: () => Promise<unknown>) => {
      const templates: { settings: Record<string, unknown> }[] = [];
      const ok = async () => ({ body: {} });
      const client = {
        info,
        cluster: { health: async () => ({ body: { number_of_data_nodes: 1 } }) },
        indices: {
          getIndexTemplate: async () => Promise.reject(Object.assign(new Error('not found'), { meta: { statusCode: 404 } })),
          putIndexTemplate: async ({ body }: { body: { template: { settings: Record<string, unknown> } } }) => {
            templates.push(body.template);
            return { body: { acknowledged: true } };
          },
          createDataStream: ok,
          putSettings: ok,
        },
      } as unknown as Client;
      return { client, templates };
    };

    it('a user who may not read GET / sets up without the version-dependent search setting instead of failing', async () => {
      const { client, templates } = permissiveClient(async () => Promise.reject(Object.assign(new Error('security_exception: no permissions for [cluster:monitor/main]'), { meta: { statusCode: 403 } })));
      const result = await setupAuditStorage(client, { namespace: 'no_main' });
      expect(result).to.include({ template: 'installed', dataStreamCreated: true }).and.not.have.property('concurrentSearch');
      expect(templates[0]!.settings).to.not.have.property('index.search.concurrent_segment_search.mode');
    });

    it('takes the version its caller read already, without asking GET / again', async () => {
      const { client, templates } = permissiveClient(async () => Promise.reject(new Error('GET / asked a second time')));
      const result = await setupAuditStorage(client, { namespace: 'read_once', clusterVersion: clusterVerdict(openSearch('2.19.6')) });
      expect(result.concurrentSearch).to.equal('auto');
      expect(templates[0]!.settings).to.have.property('index.search.concurrent_segment_search.mode', 'auto');
    });
  });
});
