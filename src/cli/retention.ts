// `audit-trail retention status|set|hold|release|apply`: each namespace's retention period and legal hold (kept in the cluster), and the retention job for clusters without ISM.
import { hasIsm, installIsmPolicy } from '../storage/ism.js';
import { checkRetentionSettings, listRetentionSettings, readRetentionSettings, RETENTION_DEFAULTS, writeRetentionSettings, type RetentionSettings } from '../storage/retention-settings.js';
import { listEventNamespaces } from '../query/namespaces.js';
import { defaultDataDir } from '../web/auth/data.js';
import { webSettingsFromEnvironment } from '../web/settings.js';
import { CLI_AUDIT_HELP, openCliAudit, osUserName } from './cli-audit.js';
import { COMMON_HELP, EXIT, UsageError, asUsage, parse, type CliContext, type Command, namespaceArgument } from './command.js';
import { clusterFromEnvironment, effectiveEnvironment } from './config.js';
import { retentionRun, runLines } from './retention-run.js';
import { producerSigningKey } from './signing-key.js';

const HELP = `usage: audit-trail retention <status|set|hold|release|apply> [options]

  status [--namespace N]                        each namespace's period, hold and mechanism, and
                                                what a run would do to each backing index
  set --namespace N --keep 90d [--rollover-age 7d] [--rollover-size 10gb]
                                                keep events 90 days (d, w) or 'forever' (default)
  hold --namespace N --reason TEXT              legal hold: nothing of N is deleted until released
  release --namespace N --reason TEXT           ends the legal hold
  apply [--namespace N] [--dry-run]             rolls over when due, writes a signed retention
                                                statement, deletes whole backing indices whose
                                                newest event is older than the period (never the
                                                write index); default: every namespace with settings

Settings live in the cluster (index audit-trail-retention). Defaults: keep ${RETENTION_DEFAULTS.keep}, roll over at
${RETENTION_DEFAULTS.rolloverAge} or ${RETENTION_DEFAULTS.rolloverSize}. On a cluster with Index State Management, set/hold/release also
install the namespace's ISM policy (rollover, delete after the period + 2 days). 'serve' runs apply daily.
The retention statement is signed with the machine's producer key (<data dir>/keys/signing.pem or
AUDIT_TRAIL_SIGNING_KEY_FILE): give its .pub.pem to whoever verifies.
${CLI_AUDIT_HELP}
${COMMON_HELP}

Exit codes: 0 done, 1 failed (cluster unreachable or refusing), 2 usage or configuration error`;

const ACTIONS = ['status', 'set', 'hold', 'release', 'apply'] as const;

function namespaceOption(value: string | undefined, required: boolean): string | undefined {
  if (value === undefined) {
    if (required) throw new UsageError('--namespace is required');
    return undefined;
  }
  return namespaceArgument(value);
}

export const retentionCommand: Command = {
  name: 'retention',
  summary: 'retention period and legal hold per namespace; delete old backing indices',
  help: HELP,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(args, {
      namespace: { type: 'string' }, keep: { type: 'string' }, 'rollover-age': { type: 'string' }, 'rollover-size': { type: 'string' },
      reason: { type: 'string' }, 'dry-run': { type: 'boolean' },
    });
    const [action, extra] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`say what to do: ${ACTIONS.join(', ')}`);
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const changes = action === 'set' || action === 'hold' || action === 'release';
    const namespace = namespaceOption(values.namespace, changes);
    if ((action === 'hold' || action === 'release') && !values.reason?.trim()) throw new UsageError(`${action} needs --reason TEXT (it is recorded)`);
    if (action === 'set' && values.keep === undefined && values['rollover-age'] === undefined && values['rollover-size'] === undefined) throw new UsageError('set needs --keep (and/or --rollover-age, --rollover-size)');
    const env = effectiveEnvironment(ctx, values.config);
    const cluster = clusterFromEnvironment(env, ctx);
    const client = cluster.client;
    try {
      if (action === 'status' || (action === 'apply' && values['dry-run'])) {
        const names = namespace ? [namespace] : await everyNamespace(client);
        const ism = await hasIsm(client);
        ctx.out(`mechanism: ${ism ? 'Index State Management (policies audit-trail-retention-<namespace>), and the daily job' : 'the daily job of audit-trail serve (no Index State Management on this cluster)'}`);
        const audit = action === 'apply' ? await openCliAudit(env, ctx, dataDirOf(env), 'site_manager') : undefined;
        for (const n of names) for (const line of runLines(await retentionRun(client, n, undefined, true, audit ? audit.record : () => undefined))) ctx.out(line);
        await audit?.finish();
        return EXIT.ok;
      }
      const dataDir = dataDirOf(env);
      const audit = await openCliAudit(env, ctx, dataDir, 'site_manager');
      try {
        if (action === 'apply') {
          const key = producerSigningKey(dataDir, 'signing', env, ctx.err);
          for (const n of namespace ? [namespace] : (await listRetentionSettings(client)).map((s) => s.namespace)) {
            for (const line of runLines(await retentionRun(client, n, key, false, audit.record))) ctx.out(line);
          }
          return EXIT.ok;
        }
        const before = await readRetentionSettings(client, namespace!);
        const next: RetentionSettings = asUsage(() => checkRetentionSettings(changed(before, action, values)));
        const kind = action === 'set' ? 'retention.set' : action === 'hold' ? 'retention.hold' : 'retention.release';
        const summary = action === 'set' ? `keep ${next.keep}, roll over at ${next.rolloverAge} or ${next.rolloverSize} (was keep ${before.keep})` : values.reason!.trim();
        try {
          await writeRetentionSettings(client, next);
          if (await hasIsm(client)) ctx.err(`[retention] ISM policy ${(await installIsmPolicy(client, next)).policyId} ${next.hold ? 'without its delete state (legal hold)' : 'installed'}`);
        } catch (error) {
          audit.record(kind, { namespace, summary }, (error as Error).message);
          throw error;
        }
        audit.record(kind, { namespace, summary });
        ctx.out(`${namespace}: keep ${next.keep}; roll over at ${next.rolloverAge} or ${next.rolloverSize}${next.hold ? `; legal hold since ${next.hold.since} (${next.hold.reason})` : ''}`);
        return EXIT.ok;
      } finally {
        await audit.finish();
      }
    } finally {
      await client.close();
    }
  },
};

const dataDirOf = (env: NodeJS.ProcessEnv): string => webSettingsFromEnvironment(env).dataDir ?? defaultDataDir();

/** Namespaces with events or with settings. */
async function everyNamespace(client: Parameters<typeof listRetentionSettings>[0]): Promise<string[]> {
  const names = new Set([...(await listEventNamespaces(client)), ...(await listRetentionSettings(client)).map((s) => s.namespace)]);
  return [...names].sort();
}

function changed(before: RetentionSettings, action: string, values: { keep?: string | undefined; 'rollover-age'?: string | undefined; 'rollover-size'?: string | undefined; reason?: string | undefined }): RetentionSettings {
  const { hold: _hold, ...rest } = before;
  if (action === 'release') return rest;
  if (action === 'hold') return { ...before, hold: before.hold ?? { reason: values.reason!.trim(), since: new Date().toISOString(), by: osUserName() } };
  return { ...before, ...(values.keep ? { keep: values.keep } : {}), ...(values['rollover-age'] ? { rolloverAge: values['rollover-age'] } : {}), ...(values['rollover-size'] ? { rolloverSize: values['rollover-size'] } : {}) };
}
