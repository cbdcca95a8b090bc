// A child process that times GET requests for the benches, so the client's own work (reading and scanning the page) does not run on the web server's thread.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Timed {
  status: number;
  /** Whole request seen by the client, in ms (headers, body read to the end). */
  wall: number;
  serverTiming: string;
  /** The page's match count (`id="total"`), when it shows one: the body itself stays in the timing process. */
  total: string;
}

interface Ask {
  id: number;
  url: string;
  headers: Record<string, string>;
}

export interface HttpTimer {
  get(url: string, headers: Record<string, string>): Promise<Timed>;
  close(): void;
}

/** Starts the timing process; `get` asks it for one request at a time. */
export function startHttpTimer(): HttpTimer {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, (timed: Timed) => void>();
  let next = 0;
  child.on('message', (message: { id: number } & Timed) => {
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  return {
    get: (url, headers) =>
      new Promise<Timed>((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        child.send({ id, url, headers } satisfies Ask);
      }),
    close: () => child.kill(),
  };
}

if (process.argv.includes('--child')) {
  process.on('message', (ask: Ask) => {
    void (async () => {
      const started = performance.now();
      const res = await fetch(ask.url, { headers: ask.headers, redirect: 'manual' });
      const body = await res.text();
      const wall = performance.now() - started;
      const total = /id="total">([^<]+)</.exec(body)?.[1] ?? '';
      process.send!({ id: ask.id, status: res.status, wall, serverTiming: res.headers.get('server-timing') ?? '', total });
    })();
  });
}
