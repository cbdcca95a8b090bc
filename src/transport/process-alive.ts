// Whether a process id is alive, and which incarnation of it: one answer for every lock file this project keeps.
import { readFileSync } from 'node:fs';

/** True when `pid` names a running process (EPERM: it runs as another user, still alive). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When `pid` started, in clock ticks since boot (field 22 of `/proc/<pid>/stat`), or undefined where
 * there is no `/proc` or no such process. With the pid it names one process: a reused pid has another.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[22 - 3];
  } catch {
    return undefined;
  }
}
