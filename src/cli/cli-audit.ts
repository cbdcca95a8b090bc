// `users` and `tokens` record each change as an audit event: the OS user as actor, through the command line's own spool, flushed with a short timeout.
import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigurationError } from '../model/errors.js';
import { CONNECTION_ENV } from '../storage/connection.js';
import { nodeStatus } from '../dev/opensearch/launcher.js';
import { WEB_ENV, webSettingsFromEnvironment } from '../web/settings.js';
import type { AuditorAction, AuditorActionKind } from '../web/auditor-action.js';
import type { Role } from '../model/vocabulary.js';
import { CommandError, type CliContext } from './command.js';
import { clusterFromEnvironment, type Cluster } from './config.js';
import { producerSigningKey } from './signing-key.js';
import { cliSpoolDir, createAuditorRecorder, type AuditorRecorder } from './auditor-recorder.js';

/** How long a run waits for another run's hold on the spool to end. Default 5 s (`AUDIT_TRAIL_CLI_LOCK_WAIT_MS`). */
const LOCK_WAIT_MS = 5_000;
/** How long a run waits for OpenSearch to take its event before leaving it in the spool. */
const FLUSH_MS = 5_000;

/** The OS user running the command (the actor of its changes), without failing where the user has no name. */
export function osUserName(): string {
  try {
    return userInfo().username || `uid ${process.getuid?.() ?? '?'}`;
  } catch {
    return process.env.USER || process.env.LOGNAME || `uid ${process.getuid?.() ?? '?'}`;
  }
}

export interface CliAudit {
  /** Records one change (or refused change) by the OS user, as a site manager, through the command line. */
  record(kind: AuditorActionKind, target: AuditorAction['target'], failure?: string): void;
  /** Sends what was recorded (at most a few seconds), then says where it is when OpenSearch did not take it. */
  finish(): Promise<void>;
}

/** The cluster of the configuration; in a source checkout without OPENSEARCH_URL, the local development node when it runs. */
async function auditCluster(env: NodeJS.ProcessEnv, ctx: CliContext): Promise<Cluster> {
  if (env[CONNECTION_ENV.url]) return clusterFromEnvironment(env, ctx);
  const local = await nodeStatus().catch(() => undefined);
  if (local?.running && local.url) return clusterFromEnvironment(env, ctx, local.url);
  throw new ConfigurationError(CONNECTION_ENV.url, `is not set: 'users' and 'tokens' record every change as an audit event in the cluster the web view reads; give it (it may be down: the event then waits in the spool), e.g. OPENSEARCH_URL=https://opensearch.example.com:9200`);
}

/** Takes the command line's spool, waiting a little for another run to finish with it. */
async function openRecorder(cluster: Cluster, namespace: string | undefined, spoolDir: string, signingKey: string, ctx: CliContext, waitMs: number): Promise<AuditorRecorder> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return createAuditorRecorder({ client: cluster.client, ...(namespace ? { namespace } : {}), spoolDir, signingKey, log: ctx.err, closeTimeoutMs: FLUSH_MS, requestTimeoutMs: FLUSH_MS });
    } catch (error) {
      const held = error instanceof ConfigurationError && /is in use by/.test(error.message);
      if (!held) throw error;
      if (Date.now() >= deadline) {
        const holder = /in use by ([^(]+?) \(/.exec(error.message)?.[1] ?? 'another process';
        throw new CommandError(`the audit spool ${spoolDir} is held by another run of audit-trail users or tokens (${holder}) after waiting ${Math.round(waitMs / 1000)} s: nothing was changed; try again once it has finished`);
      }
      await sleep(200);
    }
  }
}

/**
 * Opens the recorder of a `users`, `tokens` or `verify` run (before anything changes), so that no change happens without its
 * event: the cluster and namespace the web view reads, the spool `<dataDir>/cli-spool`.
 */
export async function openCliAudit(env: NodeJS.ProcessEnv, ctx: CliContext, dataDir: string, role: Role = 'site_manager'): Promise<CliAudit> {
  const cluster = await auditCluster(env, ctx);
  const namespace = webSettingsFromEnvironment(env).namespace;
  const spoolDir = cliSpoolDir(dataDir);
  const wait = Number(env.AUDIT_TRAIL_CLI_LOCK_WAIT_MS ?? LOCK_WAIT_MS);
  const signingKey = producerSigningKey(dataDir, 'signing', env, ctx.err);
  const recorder = await openRecorder(cluster, namespace, spoolDir, signingKey, ctx, Number.isFinite(wait) && wait >= 0 ? wait : LOCK_WAIT_MS);
  const actor = { type: 'os_user', name: osUserName(), role } as const;
  return {
    record(kind, target, failure) {
      recorder.record({ kind, time: new Date(), outcome: failure ? 'failure' : 'success', ...(failure ? { reason: failure } : {}), actor, target, source: {} });
    },
    async finish() {
      const left = await recorder.close();
      await cluster.client.close().catch(() => undefined);
      if (left > 0) {
        ctx.err(`audit-trail: OpenSearch at ${cluster.shown} did not take the audit event of this change within ${FLUSH_MS / 1000} s: it stays in ${spoolDir} and is sent the next time 'audit-trail users' or 'tokens' runs (the change itself is done)`);
      }
    },
  };
}

/** The namespace note for help texts. */
export const CLI_AUDIT_HELP = `Each change (and each refused one) is recorded as an audit event (actor: the OS user, as site_manager,
details via: cli) in the cluster (OPENSEARCH_URL) and namespace (${WEB_ENV.namespace}, default 'default') the web
view reads, through the spool <data dir>/cli-spool: when OpenSearch does not answer within ${FLUSH_MS / 1000} s the
event stays there and is sent by the next run.`;
