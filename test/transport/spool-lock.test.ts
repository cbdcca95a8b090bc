import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { BulkStandIn } from '../helpers/bulk-stand-in.js';
import { ConfigurationError } from '../../src/model/errors.js';
import { processStartTime } from '../../src/transport/process-alive.js';
import { OpenSearchAuditTransport } from '../../src/transport/audit-transport.js';

const OFFLINE = 'http://127.0.0.1:9';
const event = (n: number) => {
  const { id: _generated, ...e } = sampleEvent({ resource: { type: 'workspace', id: `ws-${n}` } });
  return e;
};

/** Starts a child process and resolves once it printed `ready` (or, without one, once it is spawned). */
async function child(command: string, args: string[], ready?: string): Promise<ChildProcess> {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  if (ready === undefined) {
    await once(proc, 'spawn');
    return proc;
  }
  let out = '';
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes(ready)) resolve();
    });
    proc.on('exit', (code) => reject(new Error(`child exited (${code}) before saying ${ready}`)));
  });
  return proc;
}

describe('the spool lock (no OpenSearch needed)', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  after(() => {
    for (const proc of children) proc.kill('SIGKILL');
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  /** A spool left by a run that took three events while OpenSearch was away, and died holding the lock. */
  async function spoolLeftBehind(): Promise<string> {
    const spoolDir = mkdtempSync(join(tmpdir(), 'audit-lock-'));
    dirs.push(spoolDir);
    const transport = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir, retryBaseDelayMs: 1000 });
    transport.on('warn', () => undefined);
    const logger = winston.createLogger({ transports: [transport] });
    for (let n = 1; n <= 3; n++) logger.info('audit', { audit: event(n) });
    expect(await transport.close(0)).to.equal(3);
    return spoolDir;
  }

  /** Opens the spool in front of a stand-in _bulk and returns the sequences it replayed. */
  async function replayed(spoolDir: string): Promise<number[]> {
    const standIn = new BulkStandIn(() => ({ status: 201 }));
    const url = await standIn.start();
    const transport = new OpenSearchAuditTransport({ node: url, spoolDir, flushIntervalMs: 20 });
    try {
      await transport.flush();
      return [...standIn.documents.values()].map((doc) => (doc as { event: { sequence: number } }).event.sequence).sort();
    } finally {
      await transport.close(0);
      await standIn.stop();
    }
  }

  describe('a lock left by a process that is gone', () => {
    const ownStart = processStartTime(process.pid);
    const lockOf = (pid: number, start: string | undefined) => `${pid}${start === undefined ? '' : ` ${start}`}\n`;
    const shifted = (start: string | undefined) => String(Number(start ?? 0) + 1);

    it('naming our own pid (as pid 1 of a restarted container would find it): taken over, and the spool replayed', async () => {
      for (const lock of [lockOf(process.pid, undefined), lockOf(process.pid, shifted(ownStart))]) {
        const spoolDir = await spoolLeftBehind();
        writeFileSync(join(spoolDir, 'lock'), lock);
        expect(await replayed(spoolDir), `lock ${JSON.stringify(lock)}`).to.deep.equal([1, 2, 3]);
      }
    });

    it('naming a live process that started at another time (its pid was reused): taken over, and the spool replayed', async () => {
      const unrelated = await child('sleep', ['60']);
      children.push(unrelated);
      for (const pid of [1, unrelated.pid!]) {
        const spoolDir = await spoolLeftBehind();
        writeFileSync(join(spoolDir, 'lock'), lockOf(pid, shifted(processStartTime(pid))));
        expect(await replayed(spoolDir), `lock of pid ${pid}`).to.deep.equal([1, 2, 3]);
      }
    });
  });

  describe('a lock held by a live process', () => {
    it('another process holding the spool: refused, naming it', async () => {
      const spoolDir = await spoolLeftBehind();
      const holder = await child(process.execPath, ['--import', 'tsx', join(process.cwd(), 'test', 'helpers', 'spool-holder.ts'), spoolDir], 'held');
      children.push(holder);
      expect(readFileSync(join(spoolDir, 'lock'), 'utf8')).to.equal(`${holder.pid} ${processStartTime(holder.pid!)}\n`);
      expect(() => new OpenSearchAuditTransport({ node: OFFLINE, spoolDir }))
        .to.throw(ConfigurationError, `is in use by process ${holder.pid} (${join(spoolDir, 'lock')}): give each process its own spoolDir`);
      holder.kill('SIGKILL');
      await once(holder, 'exit');
      expect(await replayed(spoolDir), 'once it is killed, the lock is stale').to.deep.equal([1, 2, 3]);
    });

    it('another transport of this process: refused', async () => {
      const spoolDir = await spoolLeftBehind();
      const first = new OpenSearchAuditTransport({ node: OFFLINE, spoolDir });
      first.on('warn', () => undefined);
      expect(() => new OpenSearchAuditTransport({ node: OFFLINE, spoolDir })).to.throw(ConfigurationError, /in use by another transport of this process/);
      await first.close(0);
    });
  });
});
