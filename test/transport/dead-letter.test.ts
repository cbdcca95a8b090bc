import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
});
