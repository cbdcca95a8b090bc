// Runs "Verify now": verifyNamespace over each namespace in turn, in the background, one run at a time per web process, with its progress.
import type { Client } from '@opensearch-project/opensearch';
import type { VerifyKey } from '../integrity/keys.js';
import { verifyNamespace, type NamespaceReport } from '../query/verify-namespace.js';
import { decodeOpenSearchError } from '../storage/opensearch-error.js';
import type { ReportStore } from './integrity-store.js';

/** The run under way. */
export interface RunProgress {
  by: string;
  startedAt: string;
  namespaces: readonly string[];
  /** The namespace being verified, and events checked of the total to check there. */
  current: string;
  checked: number;
  total: number;
}

/** How the run of one namespace ended: a report, or why there is none. */
export type NamespaceOutcome = { namespace: string; startedAt: Date; report: NamespaceReport } | { namespace: string; startedAt: Date; error: string };

/** A run of a namespace that failed: the last report (if any) stays, with this beside it. */
export interface RunFailure {
  by: string;
  at: string;
  error: string;
}

export interface IntegrityRunnerOptions {
  client: Client;
  keys: readonly VerifyKey[];
  store: ReportStore;
  now: () => Date;
}

export class IntegrityRunner {
  private progress: RunProgress | undefined;
  private run: Promise<void> = Promise.resolve();
  private readonly failures = new Map<string, RunFailure>();

  constructor(private readonly options: IntegrityRunnerOptions) {}

  get keys(): readonly VerifyKey[] {
    return this.options.keys;
  }

  /** Where finished reports are kept. */
  get store(): ReportStore {
    return this.options.store;
  }

  /** The run under way, if any (a copy). */
  get running(): RunProgress | undefined {
    return this.progress && { ...this.progress };
  }

  /** Why the last run of the namespace failed, unless a later one succeeded. */
  failureOf(namespace: string): RunFailure | undefined {
    return this.failures.get(namespace);
  }

  /**
   * Starts verifying the namespaces one after the other and returns at once; `onDone` hears of each namespace. False
   * (nothing started) while a run is under way, without namespaces, or without a trusted key.
   */
  start(namespaces: readonly string[], by: string, onDone: (outcome: NamespaceOutcome) => void): boolean {
    if (this.progress || namespaces.length === 0 || this.options.keys.length === 0) return false;
    const progress: RunProgress = { by, startedAt: this.options.now().toISOString(), namespaces: [...namespaces], current: namespaces[0]!, checked: 0, total: 0 };
    this.progress = progress;
    this.run = (async () => {
      for (const namespace of namespaces) {
        Object.assign(progress, { current: namespace, checked: 0, total: 0 });
        onDone(await this.verifyOne(namespace, by, progress));
      }
    })()
      .catch((error: unknown) => console.error('[web] integrity verification failed:', error))
      .finally(() => {
        this.progress = undefined;
      });
    return true;
  }

  /** Resolves once the run under way (if any) has ended. */
  idle(): Promise<void> {
    return this.run;
  }

  private async verifyOne(namespace: string, by: string, progress: RunProgress): Promise<NamespaceOutcome> {
    const startedAt = this.options.now();
    try {
      const report = await verifyNamespace(this.options.client, {
        namespace, keys: this.options.keys, now: startedAt,
        onProgress: (checked, total) => Object.assign(progress, { checked, total }),
      });
      this.failures.delete(namespace);
      await this.options.store.put({ namespace, report, by, startedAt: startedAt.toISOString(), finishedAt: this.options.now().toISOString() }).catch((error: unknown) => {
        console.error(`[web] the verification report of ${namespace} could not be written (kept in memory):`, error);
      });
      return { namespace, startedAt, report };
    } catch (error) {
      const message = decodeOpenSearchError(error).message;
      this.failures.set(namespace, { by, at: this.options.now().toISOString(), error: message });
      return { namespace, startedAt, error: message };
    }
  }
}
