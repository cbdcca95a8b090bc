// `audit-trail verify`: checks a namespace's events against their producers' hash chains and signed checkpoints, with keys given out of band.
import cliProgress from 'cli-progress';
import { DEFAULT_NAMESPACE } from '../model/vocabulary.js';
import { ConfigurationError } from '../model/errors.js';
import { dataStreamName } from '../storage/template.js';
import { resolveTimeBound, TimeBoundError } from '../query/verify-window.js';
import { verifyNamespace } from '../query/verify-namespace.js';
import { reportSummary } from '../web/integrity-words.js';
import type { AuditorAction } from '../web/auditor-action.js';
import { defaultDataDir } from '../web/auth/data.js';
import { WEB_ENV, webSettingsFromEnvironment } from '../web/settings.js';
import { openCliAudit } from './cli-audit.js';
import { COMMON_HELP, EXIT, UsageError, parse, type CliContext, type Command, namespaceArgument } from './command.js';
import { clusterFromEnvironment, effectiveEnvironment } from './config.js';
import { describeFailure } from './failure.js';
import { keysDirectory, loadAnchor, loadTrustedKeys } from './verify-keys.js';
import { reportText } from './verify-output.js';

const HELP = `usage: audit-trail verify [--namespace NAME] [--from T] [--to T] [--json] [--keys FILE]... [--anchor FILE]

Checks every event of logs-audit_trail.events-NAME against its producer's hash chain and signed
checkpoints (logs-audit_trail.checkpoints-NAME): events changed, deleted, forged or cut off, and
checkpoints deleted, altered or signed by a key that is not trusted.

Options:
  --namespace NAME  namespace to verify; default ${DEFAULT_NAMESPACE}
  --from T          start of the window: each producer from its newest signed checkpoint at or
                    before T (ISO date or date-time, or now-7d; units s, m, h, d, w); default: all
  --to T            end of the window: each producer up to its first signed checkpoint at or after T
  --keys FILE       a trusted public key (Ed25519, PEM); repeatable. Always trusted as well: every
                    *.pub.pem in <AUDIT_WEB_DATA_DIR>/keys/, where 'demo' and 'serve' keep theirs.
                    Keys found in the cluster are never trusted.
  --anchor FILE     checkpoints kept outside the cluster (JSON lines): each must be in the cluster,
                    and they count as signed even when deleted there (finds a cut-off end)
  --json            print the report as JSON
${COMMON_HELP}

Events after a producer's last checkpoint are fine while the newest is under 60 s old.
Each run is itself recorded as an audit event (integrity.verify, the OS user as an auditor) in
the namespace the web view reads, through the spool <AUDIT_WEB_DATA_DIR>/cli-spool.
Exit codes: 0 intact, 1 a problem found, 2 could not verify (usage, configuration, no trusted
key, cluster unreachable or refusing, nothing in the namespace)`;

function timeOption(value: string | undefined, name: string, now: Date): Date | undefined {
  if (value === undefined) return undefined;
  try {
    return resolveTimeBound(value, now, `--${name}`);
  } catch (error) {
    if (error instanceof TimeBoundError) throw new UsageError(error.message);
    throw error;
  }
}

/** A progress bar on stderr, only when it is a terminal. */
function progressBar(): { update: (done: number, total: number) => void; stop: () => void } {
  if (process.stderr.isTTY !== true) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar({ format: '[verify] {bar} {value}/{total} events', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

/**
 * Records the run as an audit event (`integrity.verify`, by the OS user as an auditor) through the command line's
 * spool in the data directory; without one, or when recording fails, says so and leaves the verdict alone.
 */
async function recordVerification(env: NodeJS.ProcessEnv, ctx: CliContext, target: AuditorAction['target'], failure?: string): Promise<void> {
  let dataDir: string;
  try {
    dataDir = webSettingsFromEnvironment(env).dataDir ?? defaultDataDir();
  } catch {
    ctx.err(`audit-trail verify: this run is not recorded as an audit event: no data directory (set ${WEB_ENV.dataDir}, the one audit-trail serve uses)`);
    return;
  }
  try {
    const audit = await openCliAudit(env, ctx, dataDir, 'auditor');
    audit.record('integrity.verify', target, failure);
    await audit.finish();
  } catch (error) {
    ctx.err(`audit-trail verify: this run could not be recorded as an audit event: ${(error as Error).message}`);
  }
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: "check events against their producers' hash chains and signed checkpoints",
  help: HELP,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(args, {
      namespace: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' },
      keys: { type: 'string', multiple: true }, anchor: { type: 'string' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const namespace = namespaceArgument(values.namespace ?? DEFAULT_NAMESPACE);
    const now = new Date();
    const from = timeOption(values.from, 'from', now);
    const to = timeOption(values.to, 'to', now);
    if (from && to && from.getTime() > to.getTime()) throw new UsageError('--from is after --to');
    const env = effectiveEnvironment(ctx, values.config);
    const { keys } = loadTrustedKeys(keysDirectory(env), values.keys ?? []);
    const anchor = values.anchor === undefined ? undefined : loadAnchor(values.anchor);
    const cluster = clusterFromEnvironment(env, ctx);
    const bar = progressBar();
    try {
      const report = await verifyNamespace(cluster.client, {
        namespace, keys, now, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(anchor ? { anchor } : {}), onProgress: bar.update,
      });
      bar.stop();
      if (report.producers.length === 0 && report.unattributed.length === 0) {
        // Most likely a wrong namespace: saying "intact" about nothing would mislead.
        ctx.err(`audit-trail verify: nothing to verify: ${dataStreamName(namespace)} holds no events and there are no checkpoints for it (check --namespace)`);
        return EXIT.usage;
      }
      if (values.json) ctx.out(JSON.stringify(report, null, 2));
      else for (const line of reportText(report, dataStreamName(namespace))) ctx.out(line);
      await recordVerification(env, ctx, { namespace, rows: report.eventsChecked, result: report.status, summary: reportSummary(report) });
      return report.status === 'problems' ? EXIT.failed : EXIT.ok;
    } catch (error) {
      bar.stop();
      if (error instanceof UsageError || error instanceof ConfigurationError) throw error;
      // Exit 1 means "a problem was found": a verification that could not run is exit 2.
      const why = describeFailure(error, 'verify', cluster.shown).message;
      ctx.err(`audit-trail verify: could not verify: ${why}`);
      await recordVerification(env, ctx, { namespace }, why);
      return EXIT.usage;
    } finally {
      await cluster.client.close();
    }
  },
};
