// Child process for the SIGKILL scenario: produces audit events through a spooled transport, printing progress.
// Usage: tsx spool-producer.ts <url> <namespace> <spoolDir> <total> <run|resume>
import winston from 'winston';
import { OpenSearchAuditTransport } from '../../src/transport/audit-transport.js';
import { sampleEvent } from './events.js';

const [url, namespace, spoolDir, totalText, mode] = process.argv.slice(2);
const total = Number(totalText);
const transport = new OpenSearchAuditTransport({
  node: url!, namespace: namespace!, spoolDir: spoolDir!, batchSize: 500, flushIntervalMs: 300,
  retryBaseDelayMs: 50, retryMaxDelayMs: 500, closeTimeoutMs: 60_000, syncIntervalMs: 100,
});
const logger = winston.createLogger({ transports: [transport] });
// A restarted producer continues after the last event its spool took (sequence = how many were taken).
const from = transport.stats().lastSequence + 1;
process.stdout.write(`resume ${from - 1}\n`);
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

for (let n = from; n <= total; n++) {
  const { id: _omit, ...event } = sampleEvent({ resource: { type: 'workspace', id: `ws-${n}` } });
  logger.info('audit', { audit: event });
  if (n % 50 === 0) {
    await tick(); // the spool writes at the end of the turn; after it, these events are on disk
    process.stdout.write(`taken ${transport.stats().lastSequence}\n`);
    if (mode === 'run') await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
await new Promise<void>((resolve) => {
  transport.on('finish', () => resolve());
  logger.end();
});
process.stdout.write(`done ${JSON.stringify(transport.stats())}\n`);
