// The daily retention run inside `audit-trail serve`: every namespace with retention settings, recorded through the web view's producer; stopped on shutdown.
import type { Client } from '@opensearch-project/opensearch';
import { listRetentionSettings } from '../storage/retention-settings.js';
import type { AuditorActionHook } from '../web/auditor-action.js';
import { osUserName } from './cli-audit.js';
import { retentionRun, runSummary } from './retention-run.js';

/** Time between runs: a day. The first run comes a minute after start. */
export const RETENTION_INTERVAL_MS = 86_400_000;
const FIRST_RUN_MS = 60_000;

/** Starts the daily runs; the returned function stops them (a run in progress finishes). */
export function startRetentionTimer(client: Client, signingKeyPem: string, hook: AuditorActionHook, log: (line: string) => void, intervalMs = RETENTION_INTERVAL_MS): () => void {
  const actor = { type: 'os_user', name: osUserName(), role: 'site_manager' } as const;
  const runAll = async (): Promise<void> => {
    for (const { namespace } of await listRetentionSettings(client)) {
      const run = await retentionRun(client, namespace, signingKeyPem, false, (kind, target, failure) =>
        hook({ kind, time: new Date(), outcome: failure ? 'failure' : 'success', ...(failure ? { reason: failure } : {}), actor, target, source: {} }));
      log(`[retention] ${namespace}: ${runSummary(run)}`);
    }
  };
  const tick = (): void => void runAll().catch((error: unknown) => log(`[retention] run failed: ${(error as Error).message}`));
  const first = setTimeout(tick, Math.min(FIRST_RUN_MS, intervalMs));
  const every = setInterval(tick, intervalMs);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
