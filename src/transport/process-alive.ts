// Whether a process id is alive: one answer for every lock file this project keeps.

/** True when `pid` names a running process (EPERM: it runs as another user, still alive). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
