// Test helpers: the URL of the OpenSearch cluster prepared by test/fixtures/global.ts, and a client for it.
import { Client } from '@opensearch-project/opensearch';

/** URL of the test cluster, set by the mocha global fixture (test/fixtures/global.ts). */
export function testOpenSearchUrl(): string {
  const url = process.env.AUDIT_TRAIL_TEST_OPENSEARCH_URL;
  if (!url) {
    throw new Error('AUDIT_TRAIL_TEST_OPENSEARCH_URL is not set: run the tests through mocha (.mocharc.json requires test/fixtures/global.ts, which starts OpenSearch)');
  }
  return url;
}

/** An OpenSearch client for the test cluster. */
export function testClient(): Client {
  return new Client({ node: testOpenSearchUrl() });
}
