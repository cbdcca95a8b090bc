// Child process for the recovery scenario: opens a spool left behind, in front of a _bulk at <url>, and reports what it cost.
// Usage: node --expose-gc --import tsx spool-recovery-probe.ts <url> <spoolDir> <memoryCapBytes>
// Prints one JSON line: bytes read synchronously by the constructor, ArrayBuffer growth (after GC) after
// construction and at its peak during delivery, and the transport's stats once everything is delivered.
import { spyOnFs } from './fs-spy.js';
import { OpenSearchAuditTransport } from '../../src/transport/audit-transport.js';

const [url, spoolDir, capText] = process.argv.slice(2);
const memoryCapBytes = Number(capText);
const gc = (globalThis as { gc?: () => void }).gc!;
const arrayBuffers = () => {
  gc();
  return process.memoryUsage().arrayBuffers;
};

const baseline = arrayBuffers();
const spy = spyOnFs(['readSync', 'readFileSync']);
const transport = new OpenSearchAuditTransport({ node: url!, spoolDir: spoolDir!, memoryCapBytes, segmentBytes: memoryCapBytes / 4, batchSize: 100, flushIntervalMs: 20 });
spy.restore();
// Bytes read by the constructor: readSync returns their count, readFileSync the bytes.
const syncReadBytes = spy.calls.readSync.reduce((n, call) => n + (call.result as number), 0)
  + spy.calls.readFileSync.reduce((n, call) => n + (call.result as Buffer | string).length, 0);
const afterConstructor = arrayBuffers() - baseline;
const memoryBytesAfterConstructor = transport.stats().memoryBytes;
let peak = afterConstructor;
const sampler = setInterval(() => (peak = Math.max(peak, arrayBuffers() - baseline)), 5);
await transport.flush();
clearInterval(sampler);
const stats = transport.stats();
await transport.close();
process.stdout.write(`${JSON.stringify({ syncReadBytes, afterConstructor, memoryBytesAfterConstructor, peak, stats })}\n`);
