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
  /** A download: count bytes and line ends instead of keeping the body. */
  download?: boolean;
}

/** A download as the timing process saw it. */
export interface Downloaded {
  status: number;
  wall: number;
  bytes: number;
  lines: number;
}

export interface HttpTimer {
  get(url: string, headers: Record<string, string>): Promise<Timed>;
  download(url: string, headers: Record<string, string>): Promise<Downloaded>;
  close(): void;
}

/** Starts the timing process; `get` asks it for one request at a time. */
export function startHttpTimer(): HttpTimer {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, (answer: never) => void>();
  let next = 0;
  child.on('message', (message: { id: number }) => {
    waiting.get(message.id)?.(message as never);
    waiting.delete(message.id);
  });
  const ask = <T>(url: string, headers: Record<string, string>, download: boolean): Promise<T> =>
    new Promise<T>((resolve) => {
      const id = next++;
      waiting.set(id, resolve as (answer: never) => void);
      child.send({ id, url, headers, download } satisfies Ask);
    });
  return {
    get: (url, headers) => ask<Timed>(url, headers, false),
    download: (url, headers) => ask<Downloaded>(url, headers, true),
    close: () => child.kill(),
  };
}

if (process.argv.includes('--child')) {
  process.on('message', (ask: Ask) => {
    void (async () => {
      const started = performance.now();
      const res = await fetch(ask.url, { headers: ask.headers, redirect: 'manual' });
      if (ask.download) {
        let bytes = 0;
        let lines = 0;
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          bytes += chunk.length;
          const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
          for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) lines++;
        }
        process.send!({ id: ask.id, status: res.status, wall: performance.now() - started, bytes, lines });
        return;
      }
      const body = await res.text();
      const wall = performance.now() - started;
      const total = /id="total">([^<]+)</.exec(body)?.[1] ?? '';
      process.send!({ id: ask.id, status: res.status, wall, serverTiming: res.headers.get('server-timing') ?? '', total });
    })();
  });
}
