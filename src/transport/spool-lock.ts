// One process per spool directory: a lock file naming its holder by pid and start time, so a reused pid is not mistaken for it.
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigurationError } from '../model/errors.js';
import { pidAlive, processStartTime } from './process-alive.js';

/** Lock files held by this process (a second transport on the same directory is refused). */
const heldHere = new Set<string>();
const ownStart = processStartTime(process.pid);

/** What a lock file says: `<pid> <start time>`, or only `<pid>` from a version that did not write the start time. */
function parse(text: string): { pid: number; start: string | undefined } {
  const [pid, start] = text.trim().split(/\s+/);
  return { pid: Number(pid), start: start || undefined };
}

/**
 * Why the holder named by `text` still holds the lock, or undefined when it is gone: a dead pid, a pid
 * reused by another process (its start time differs), or our own pid when this process does not hold it
 * (a previous incarnation, e.g. pid 1 of a restarted container).
 */
function liveHolder(text: string): string | undefined {
  const { pid, start } = parse(text);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (pid === process.pid) return undefined;
  if (!pidAlive(pid)) return undefined;
  const actual = processStartTime(pid);
  if (start !== undefined && actual !== undefined && actual !== start) return undefined;
  return `process ${pid}`;
}

/** Takes the lock at `path`, or throws a ConfigurationError naming who holds it. Stale locks are taken over. */
export function takeSpoolLock(path: string): void {
  const key = resolve(path);
  if (heldHere.has(key)) {
    throw new ConfigurationError('spoolDir', `is in use by another transport of this process (${path}): give each transport its own spoolDir`);
  }
  const mine = `${process.pid} ${ownStart ?? ''}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(path, mine, { flag: 'wx' });
      heldHere.add(key);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let found: string;
    try {
      found = readFileSync(path, 'utf8');
    } catch {
      continue; // removed meanwhile: try again
    }
    const holder = liveHolder(found);
    if (holder) throw new ConfigurationError('spoolDir', `is in use by ${holder} (${path}): give each process its own spoolDir`);
    // Stale. Move it aside first, so that two processes taking it over cannot remove each other's new lock.
    const aside = `${path}.stale-${process.pid}-${attempt}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    if (readFileSync(aside, 'utf8') !== found) {
      // Another process took it over between our read and the rename: put its lock back.
      try {
        linkSync(aside, path);
      } catch {
        /* someone holds the path again: the next attempt sees who */
      }
    }
    unlinkSync(aside);
  }
  throw new ConfigurationError('spoolDir', `lock ${path} keeps changing hands: give each process its own spoolDir`);
}

/** Releases a lock taken by `takeSpoolLock`. */
export function releaseSpoolLock(path: string): void {
  heldHere.delete(resolve(path));
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}
