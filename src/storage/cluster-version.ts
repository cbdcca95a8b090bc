// Which clusters the index template runs on: a verdict on the body of GET / (pure), and the check against a live cluster.
import type { Client } from '@opensearch-project/opensearch';

/** Oldest OpenSearch the template supports: `match_only_text` needs 2.12, the `wildcard` field type 2.15. */
export const MIN_OPENSEARCH_VERSION = '2.15.0';
/** The release the test suite runs against. */
export const TESTED_OPENSEARCH_VERSION = '2.19.6';

/** What GET / says about a cluster. `supported: false` means setting up the template would fail there. */
export type ClusterVerdict =
  | { kind: 'supported'; version: string; supported: true; message: string }
  | { kind: 'unknown'; version?: string; supported: true; message: string }
  | { kind: 'too-old' | 'not-opensearch'; version?: string; supported: false; message: string };

/** A cluster the template cannot be installed on; the message says what to do. */
export class UnsupportedClusterError extends Error {
  override readonly name = 'UnsupportedClusterError';
  constructor(readonly verdict: ClusterVerdict) {
    super(verdict.message);
  }
}

function parseVersion(text: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function atLeast(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

/** True when a verdict's version is known and at least `min` (`2.17.0`). */
export function runsAtLeast(verdict: ClusterVerdict, min: string): boolean {
  const version = verdict.kind === 'supported' && verdict.version ? parseVersion(verdict.version) : undefined;
  return version !== undefined && atLeast(version, parseVersion(min)!);
}

/** The verdict on a cluster from the JSON body of its `GET /` answer. */
export function clusterVerdict(body: unknown): ClusterVerdict {
  const root = (body ?? {}) as { version?: { number?: unknown; distribution?: unknown }; tagline?: unknown };
  const number = typeof root.version?.number === 'string' ? root.version.number : undefined;
  const isOpenSearch = root.version?.distribution === 'opensearch' || (typeof root.tagline === 'string' && /opensearch/i.test(root.tagline));
  const upgrade = `upgrade the cluster to OpenSearch ${MIN_OPENSEARCH_VERSION} or newer (tested on ${TESTED_OPENSEARCH_VERSION}), then run 'audit-trail setup' again`;
  if (!isOpenSearch) {
    const what = number ? `Elasticsearch or another engine (version ${number})` : 'not an OpenSearch node (GET / did not answer like one)';
    return { kind: 'not-opensearch', ...(number && { version: number }), supported: false, message: `the cluster is ${what}: audit-trail needs OpenSearch ${MIN_OPENSEARCH_VERSION} or newer; point OPENSEARCH_URL at an OpenSearch cluster` };
  }
  const parsed = number ? parseVersion(number) : undefined;
  if (!parsed || !number) return { kind: 'unknown', supported: true, message: `the cluster does not report its OpenSearch version; going on (it needs ${MIN_OPENSEARCH_VERSION} or newer)` };
  if (parsed[0] === 7) {
    // compatibility.override_main_response_version makes OpenSearch pose as Elasticsearch 7.10.2.
    return { kind: 'unknown', version: number, supported: true, message: `the cluster reports version ${number} (OpenSearch's compatibility.override_main_response_version is on), so its real version is unknown; going on (it needs ${MIN_OPENSEARCH_VERSION} or newer)` };
  }
  if (!atLeast(parsed, parseVersion(MIN_OPENSEARCH_VERSION)!)) {
    return { kind: 'too-old', version: number, supported: false, message: `the cluster runs OpenSearch ${number}, older than ${MIN_OPENSEARCH_VERSION}: the index template maps fields as match_only_text (2.12+) and wildcard (2.15+); ${upgrade}` };
  }
  return { kind: 'supported', version: number, supported: true, message: `OpenSearch ${number}` };
}

/** Asks the cluster (GET /) and returns the verdict; connection errors are thrown as they come. */
export async function checkClusterVersion(client: Client): Promise<ClusterVerdict> {
  const res = await client.info();
  return clusterVerdict(res.body);
}
