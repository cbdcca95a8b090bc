// Counts calls to functions of node:fs (seen by every module's named imports too), until restored.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

type Spied = 'fdatasync' | 'fdatasyncSync' | 'readSync' | 'readFileSync';

/** One call: its first argument (a path or descriptor) and what it returned. */
export interface FsCall {
  target: unknown;
  result: unknown;
}

/** The spied calls by function name; `restore()` puts the originals back. */
export interface FsSpy {
  calls: Record<Spied, FsCall[]>;
  restore(): void;
}

export function spyOnFs(names: readonly Spied[]): FsSpy {
  const calls: Record<Spied, FsCall[]> = { fdatasync: [], fdatasyncSync: [], readSync: [], readFileSync: [] };
  const table = fs as unknown as Record<Spied, (...args: unknown[]) => unknown>;
  const originals = new Map(names.map((name) => [name, table[name]]));
  for (const name of names) {
    const original = originals.get(name)!;
    table[name] = (...args: unknown[]) => {
      const result = original(...args);
      calls[name].push({ target: args[0], result });
      return result;
    };
  }
  syncBuiltinESMExports();
  return {
    calls,
    restore() {
      for (const [name, original] of originals) table[name] = original;
      syncBuiltinESMExports();
    },
  };
}
