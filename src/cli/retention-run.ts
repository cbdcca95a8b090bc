// One retention run over a namespace as the command line and `serve` make it: signed with the machine's producer key, each run recorded as an audit event, its lines for people.
import type { Client } from '@opensearch-project/opensearch';
import { signingKeyFrom } from '../integrity/keys.js';
import { runRetention, type RetentionRun } from '../storage/retention-job.js';
import type { AuditorAction, AuditorActionKind } from '../web/auditor-action.js';

/** Records one retention action (a failure with why). */
export type RetentionRecord = (kind: AuditorActionKind, target: AuditorAction['target'], failure?: string) => void;

/** Runs retention over a namespace (dry or real) and records the run; rejects after recording a failed run. */
export async function retentionRun(client: Client, namespace: string, signingKeyPem: string | undefined, dryRun: boolean, record: RetentionRecord): Promise<RetentionRun> {
  try {
    const run = await runRetention(client, { namespace, dryRun, ...(signingKeyPem ? { signingKey: signingKeyFrom(signingKeyPem) } : {}) });
    record('retention.run', { namespace, rows: run.deleted.length, result: dryRun ? 'dry-run' : run.deleted.length ? 'deleted' : 'nothing-due', summary: runSummary(run) });
    return run;
  } catch (error) {
    record('retention.run', { namespace, result: 'failed' }, (error as Error).message);
    throw error;
  }
}

/** One line about a run. */
export function runSummary(run: RetentionRun): string {
  const hold = run.settings.hold ? `; legal hold: ${run.settings.hold.reason}` : '';
  const roll = run.rolledOver ? `; rolled over to ${run.rolledOver}` : run.wouldRollOver ? `; would roll over (${run.wouldRollOver})` : '';
  const gone = run.dryRun ? `${run.decisions.filter((d) => d.fate === 'delete').length} of ${run.decisions.length} backing indices would be deleted` : `${run.deleted.length} of ${run.decisions.length} backing indices deleted`;
  const statement = run.statement ? `; retention statement ${run.statement.number} signed by ${run.statement.key_id}` : '';
  return `keep ${run.settings.keep}${hold}: ${gone}${roll}${statement}`;
}

/** The lines of a run: a heading, then one line per backing index with its newest event and its fate. */
export function runLines(run: RetentionRun): string[] {
  const verb = (fate: string): string => (fate === 'delete' ? (run.dryRun ? 'would delete' : run.deleted.length ? 'deleted' : 'kept') : 'keep');
  return [
    `${run.namespace}: ${runSummary(run)}`,
    ...run.decisions.map((d) => `  ${d.name}\tnewest ${d.newest ?? '-'}\t${d.docs} events\t${verb(d.fate)}: ${d.why}`),
  ];
}
