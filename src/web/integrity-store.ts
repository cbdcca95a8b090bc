// The last verification report of each namespace: kept in memory and written to <dir>/<namespace>.json, so it survives a restart of the web view.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NamespaceReport } from '../query/verify-namespace.js';

/** One finished verification of a namespace, and who asked for it. */
export interface StoredVerification {
  namespace: string;
  report: NamespaceReport;
  /** Name of the person who pressed "Verify now". */
  by: string;
  /** ISO times the run of this namespace started and ended. */
  startedAt: string;
  finishedAt: string;
}

/** Only namespaces `dataStreamName` accepts name a file (never a path). */
const NAMESPACE = /^[a-z0-9_]{1,100}$/;

const readable = (value: unknown, namespace: string): value is StoredVerification => {
  const v = value as Partial<StoredVerification> | undefined;
  return !!v && v.namespace === namespace && typeof v.by === 'string' && typeof v.finishedAt === 'string' && !!v.report && Array.isArray(v.report.producers);
};

/** Reports by namespace; without a directory, in memory only. */
export class ReportStore {
  /** `null`: looked for on disk, none there. */
  private readonly memory = new Map<string, StoredVerification | null>();

  constructor(private readonly dir?: string) {}

  /** Where a namespace's report is written, if anywhere. */
  fileOf(namespace: string): string | undefined {
    return this.dir && NAMESPACE.test(namespace) ? join(this.dir, `${namespace}.json`) : undefined;
  }

  /** The last report of the namespace: from memory, else read once from its file (a missing or unreadable file: none). */
  async get(namespace: string): Promise<StoredVerification | undefined> {
    const known = this.memory.get(namespace);
    if (known !== undefined) return known ?? undefined;
    const file = this.fileOf(namespace);
    let found: StoredVerification | null = null;
    if (file) {
      try {
        const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
        if (readable(parsed, namespace)) found = parsed;
        else console.error(`[web] ${file} is not a verification report of ${namespace}: ignored`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') console.error(`[web] ${file} cannot be read: ${(error as Error).message}`);
      }
    }
    // A report put while the file was read wins.
    if (!this.memory.has(namespace)) this.memory.set(namespace, found);
    return this.memory.get(namespace) ?? undefined;
  }

  /** Keeps the report in memory and writes it (a whole new file renamed over the old one: never half a report). */
  async put(stored: StoredVerification): Promise<void> {
    this.memory.set(stored.namespace, stored);
    const file = this.fileOf(stored.namespace);
    if (!file || !this.dir) return;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(stored)}\n`, { mode: 0o600 });
    await rename(temporary, file);
  }
}
