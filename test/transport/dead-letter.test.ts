import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { v7 as uuidv7 } from 'uuid';
import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { BulkStandIn } from '../helpers/bulk-stand-in.js';
import { OpenSearchAuditTransport } from '../../src/transport/audit-transport.js';
import type { DeadLetterRecord } from '../../src/transport/dead-letter.js';

describe('the dead letter, behind a stand-in _bulk (no OpenSearch needed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-dead-letter-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('takes only the refused event, with its id, status, reason and the document as it was sent', async () => {
    const ids = [uuidv7(), uuidv7(), uuidv7()];
    const refusedId = ids[1]!;
    const standIn = new BulkStandIn((id) => (id === refusedId ? { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [client.ip]' } } : { status: 201 }));
    const url = await standIn.start();
    const deadLetterFile = join(dir, 'refused.ndjson');
    const transport = new OpenSearchAuditTransport({ node: url, deadLetterFile, flushIntervalMs: 20, producerId: 'dead-letter-test' });
    const letters: DeadLetterRecord[] = [];
    transport.on('deadLetter', (letter: DeadLetterRecord) => letters.push(letter));
    transport.on('warn', () => undefined);
    try {
      const logger = winston.createLogger({ transports: [transport] });
      for (const id of ids) logger.info('audit', { audit: sampleEvent({ id }), labels: { sequence: 'not ours' } });
      await transport.flush();
      expect(transport.stats()).to.include({ accepted: 3, delivered: 2, deadLettered: 1, retried: 0 });
      expect(standIn.requests, 'nothing re-sent').to.deep.equal([ids]);
      expect(letters).to.have.length(1);
      expect(letters[0]).to.deep.include({ status: 400, reason: 'mapper_parsing_exception: failed to parse field [client.ip]', producer: 'dead-letter-test', event_id: refusedId });
      expect(letters[0]!.document).to.deep.equal(standIn.documents.get(refusedId));
      expect((letters[0]!.document as { event: { sequence: number } }).event.sequence).to.equal(2);
      const lines = readFileSync(deadLetterFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as DeadLetterRecord);
      expect(lines).to.deep.equal(letters);
    } finally {
      await transport.close(0);
      await standIn.stop();
    }
  });

  it('keeps a refused event in the spool until its dead letter is on disk: a failed write loses nothing', async () => {
    const ids = [uuidv7(), uuidv7(), uuidv7()];
    const refusedId = ids[1]!;
    const standIn = new BulkStandIn((id) => (id === refusedId ? { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [client.ip]' } } : { status: 201 }));
    const url = await standIn.start();
    const spoolDir = mkdtempSync(join(dir, 'spool-'));
    const notADirectory = join(dir, 'not-a-directory');
    writeFileSync(notADirectory, '');
    const options = { node: url, spoolDir, flushIntervalMs: 20, retryBaseDelayMs: 20, retryMaxDelayMs: 50 };
    try {
      // The dead letter cannot be written (its directory is a file).
      const first = new OpenSearchAuditTransport({ ...options, deadLetterFile: join(notADirectory, 'refused.ndjson') });
      const warnings: string[] = [];
      first.on('warn', (w: { kind: string; message: string }) => warnings.push(`${w.kind}: ${w.message}`));
      const logger = winston.createLogger({ transports: [first] });
      for (const id of ids) logger.info('audit', { audit: sampleEvent({ id }) });
      const deadline = Date.now() + 5000;
      while (!warnings.some((w) => w.startsWith('dead-letter: could not write the dead letter')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(warnings.find((w) => w.startsWith('dead-letter: could not write'))).to.match(/stay queued/);
      expect(first.stats()).to.include({ delivered: 2, deadLettered: 0 });
      expect(await first.close(200), 'the refused event is still undelivered').to.equal(1);

      // Restarted with a dead letter that can be written: the event was kept in the spool.
      const second = new OpenSearchAuditTransport({ ...options, deadLetterFile: join(dir, 'second.ndjson') });
      second.on('warn', () => undefined);
      await second.flush();
      expect(second.stats()).to.include({ deadLettered: 1 });
      const lines = readFileSync(join(dir, 'second.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as DeadLetterRecord);
      expect(lines.map((l) => l.event_id)).to.deep.equal([refusedId]);
      expect(await second.close(0)).to.equal(0);
    } finally {
      await standIn.stop();
    }
  });
});
