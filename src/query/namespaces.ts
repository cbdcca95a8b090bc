// The namespaces that have an events data stream (`logs-audit_trail.events-<namespace>`), and the namespace an index name stands for.
import type { Client } from '@opensearch-project/opensearch';
import { DATASET, DATA_STREAM_TYPE } from '../model/vocabulary.js';
import { isMissingIndexError } from '../storage/opensearch-error.js';
import { INDEX_PATTERN } from '../storage/template.js';

const PREFIX = `${DATA_STREAM_TYPE}-${DATASET}-`;
/** What `dataStreamName` accepts (a stream named otherwise was not made by this product and is left out). */
const NAMESPACE = /^[a-z0-9_]{1,100}$/;

/** The namespace of an events data stream's exact name, or undefined for a pattern or another name. */
export function namespaceOfIndex(index: string): string | undefined {
  if (!index.startsWith(PREFIX)) return undefined;
  const namespace = index.slice(PREFIX.length);
  return NAMESPACE.test(namespace) ? namespace : undefined;
}

/** Every namespace with an events data stream, sorted (one `GET _data_stream/logs-audit_trail.events-*`; none: empty). */
export async function listEventNamespaces(client: Client): Promise<string[]> {
  let streams: { name?: string }[];
  try {
    const res = await client.indices.getDataStream({ name: INDEX_PATTERN });
    streams = ((res.body as { data_streams?: { name?: string }[] }).data_streams ?? []);
  } catch (error) {
    if (isMissingIndexError(error)) return [];
    throw error;
  }
  const namespaces = streams.map((s) => (typeof s.name === 'string' ? namespaceOfIndex(s.name) : undefined)).filter((n): n is string => n !== undefined);
  return [...new Set(namespaces)].sort();
}
