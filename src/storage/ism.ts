// Index State Management on the cluster: whether the plugin is there, and installing a namespace's policy onto its data stream's backing indices (not run here: the local node has no ISM).
import type { Client } from '@opensearch-project/opensearch';
import { buildIsmPolicy, ismPolicyId } from './ism-policy.js';
import { decodeOpenSearchError } from './opensearch-error.js';
import type { RetentionSettings } from './retention-settings.js';
import { dataStreamName } from './template.js';

/** The plugin's component name in `_cat/plugins`. */
export const ISM_PLUGIN = 'opensearch-index-management';

/** Whether any node of the cluster runs the Index State Management plugin. */
export async function hasIsm(client: Client): Promise<boolean> {
  const res = await client.cat.plugins({ format: 'json' } as never);
  return ((res.body ?? []) as { component?: string }[]).some((p) => p.component === ISM_PLUGIN);
}

const request = (client: Client, method: string, path: string, body?: unknown) =>
  client.transport.request({ method, path, ...(body === undefined ? {} : { body: body as never }) });

/**
 * Installs (or replaces) the namespace's policy, then points the stream's existing backing indices at it: `add` for those
 * ISM does not manage yet, `change_policy` for those it does (a changed policy, such as a legal hold removing the delete
 * state, only reaches managed indices that way). New backing indices get it from the policy's `ism_template`.
 */
export async function installIsmPolicy(client: Client, settings: RetentionSettings): Promise<{ policyId: string; action: 'installed' | 'updated' }> {
  const policyId = ismPolicyId(settings.namespace);
  const path = `/_plugins/_ism/policies/${encodeURIComponent(policyId)}`;
  let seq: { seq_no: number; primary_term: number } | undefined;
  try {
    const res = await request(client, 'GET', path);
    const body = res.body as { _seq_no: number; _primary_term: number };
    seq = { seq_no: body._seq_no, primary_term: body._primary_term };
  } catch (error) {
    if (decodeOpenSearchError(error).status !== 404) throw error;
  }
  const query = seq ? `?if_seq_no=${seq.seq_no}&if_primary_term=${seq.primary_term}` : '';
  await request(client, 'PUT', `${path}${query}`, buildIsmPolicy(settings));
  const backing = `.ds-${dataStreamName(settings.namespace)}-*`;
  await request(client, 'POST', `/_plugins/_ism/add/${backing}`, { policy_id: policyId });
  await request(client, 'POST', `/_plugins/_ism/change_policy/${backing}`, { policy_id: policyId });
  return { policyId, action: seq ? 'updated' : 'installed' };
}
