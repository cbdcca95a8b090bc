// Concurrent segment search on the audit indices: a search with aggregations (the histogram) reads a shard's segments in parallel, on clusters that offer the setting.
import type { Client } from '@opensearch-project/opensearch';
import { runsAtLeast, type ClusterVerdict } from './cluster-version.js';
import { decodeOpenSearchError } from './opensearch-error.js';

/** The index setting, and the first OpenSearch release that has it (2.15 and 2.16 know only an on/off switch for every search). */
export const CONCURRENT_SEARCH = { setting: 'index.search.concurrent_segment_search.mode', mode: 'auto', since: '2.17.0' } as const;

/**
 * The search settings for a cluster: `auto` concurrent segment search from 2.17 on (OpenSearch then uses it for
 * aggregations, not for sorted pages); none before, or when the version is unknown or could not be read.
 */
export function searchSettings(verdict: ClusterVerdict | undefined): Record<string, string> {
  return verdict && runsAtLeast(verdict, CONCURRENT_SEARCH.since) ? { [CONCURRENT_SEARCH.setting]: CONCURRENT_SEARCH.mode } : {};
}

/** A template body with these settings added. */
export function withSearchSettings<T extends { template: { settings: Record<string, unknown> } }>(body: T, settings: Record<string, string>): T {
  return { ...body, template: { ...body.template, settings: { ...body.template.settings, ...settings } } };
}

/** The concurrent search mode of an installed template's settings (as GET _index_template nests them), if any. */
export function templateSearchMode(settings: unknown): string | undefined {
  const mode = (settings as { index?: { search?: { concurrent_segment_search?: { mode?: unknown } } } } | undefined)?.index?.search?.concurrent_segment_search?.mode;
  return typeof mode === 'string' ? mode : undefined;
}

/** Applies the settings to an index or data stream's existing backing indices (they are dynamic); a missing one is fine. */
export async function applySearchSettings(client: Client, index: string, settings: Record<string, string>): Promise<void> {
  if (!Object.keys(settings).length) return;
  await client.indices.putSettings({ index, body: settings as never }).catch((error: unknown) => {
    if (decodeOpenSearchError(error).status !== 404) throw error;
  });
}
