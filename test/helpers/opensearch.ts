// Test helpers: the URL of the OpenSearch cluster prepared by test/fixtures/global.ts, and a client for it.
import { Client } from '@opensearch-project/opensearch';

/** Launcher instance name of the suite's own node. */
export const TEST_NODE_NAME = 'test';
/** Environment variable holding the test cluster's URL: set by the global fixture, or by hand to use another test cluster. */
export const TEST_CLUSTER_ENV = 'AUDIT_TRAIL_TEST_CLUSTER';
/** Set by the global fixture when the test cluster is the suite's own launcher node (not one given by hand). */
export const OWN_TEST_NODE_ENV = 'AUDIT_TRAIL_OWN_TEST_NODE';

/** URL of the test cluster, set by the mocha global fixture (test/fixtures/global.ts). */
export function testOpenSearchUrl(): string {
  const url = process.env[TEST_CLUSTER_ENV];
  if (!url) {
    throw new Error(`${TEST_CLUSTER_ENV} is not set: run the tests through mocha (.mocharc.json requires test/fixtures/global.ts, which starts OpenSearch)`);
  }
  return url;
}

/** An OpenSearch client for the test cluster. */
export function testClient(): Client {
  return new Client({ node: testOpenSearchUrl() });
}
