import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { useAuditNamespace } from '../helpers/namespace.js';
import { OpenSearchAuditTransport } from '../../src/transport/audit-transport.js';
import { checkpointStreamName } from '../../src/storage/template.js';
import { chainOf, GENESIS_LINK, linkHolds } from '../../src/integrity/chain.js';
import { checkpointDigest, checkpointFromSource, FIRST_PREVIOUS, signatureHolds, type SignedCheckpoint } from '../../src/integrity/checkpoint.js';
import { newKeyPairPem, verifyKeyFrom } from '../../src/integrity/keys.js';

const keys = newKeyPairPem();
const trusted = verifyKeyFrom(keys.publicPem);

/** Logs `count` events through a new transport on `spoolDir` and closes it. */
async function produce(options: ConstructorParameters<typeof OpenSearchAuditTransport>[0], count: number): Promise<OpenSearchAuditTransport> {
  const transport = new OpenSearchAuditTransport({ flushIntervalMs: 50, ...options });
  const logger = winston.createLogger({ transports: [transport] });
  for (let i = 0; i < count; i++) logger.info('audit', { audit: sampleEvent({ id: randomUUID() }) });
  await transport.flush();
  await transport.close();
  return transport;
}

const readAnchor = (file: string): SignedCheckpoint[] => readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as SignedCheckpoint);

describe('hash chain and signed checkpoints written by the transport', () => {
  const ns = useAuditNamespace();
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-chain-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function stored(producer: string) {
    await ns.client.indices.refresh({ index: `${ns.index},${checkpointStreamName(ns.namespace)}` });
    const events = await ns.client.search({ index: ns.index, body: { size: 1000, query: { term: { 'audit_trail.producer': producer } }, sort: [{ 'event.sequence': 'asc' }] } });
    const checkpoints = await ns.client.search({ index: checkpointStreamName(ns.namespace), body: { size: 1000, query: { term: { 'audit_trail.producer': producer } }, sort: [{ 'audit_trail.checkpoint.number': 'asc' }] } });
    return {
      events: events.body.hits.hits.map((h) => h._source as Record<string, unknown>),
      checkpoints: checkpoints.body.hits.hits.map((h) => checkpointFromSource(h._source as Record<string, unknown>) as SignedCheckpoint),
    };
  }

  it('links every event to the one before across a restart on the same spool, and signs checkpoints that chain too', async () => {
    const spoolDir = tempDir();
    const anchorFile = join(tempDir(), 'anchor.ndjson');
    const options = { client: ns.client, namespace: ns.namespace, spoolDir, signingKey: keys.privatePem, checkpointEvery: 10, anchorFile };
    const first = await produce(options, 25);
    const second = await produce(options, 7);
    expect(second.producerId).to.equal(first.producerId);
    const { events, checkpoints } = await stored(first.producerId);
    expect(events.map((e) => (e.event as { sequence: number }).sequence)).to.deep.equal(Array.from({ length: 32 }, (_, i) => i + 1));
    let prev = GENESIS_LINK;
    for (const event of events) {
      const chain = chainOf(event)!;
      expect(chain, 'chain fields').to.not.equal(undefined);
      expect(chain.prev).to.equal(prev);
      expect(linkHolds(event, chain)).to.equal(true);
      prev = chain.link;
    }
    // 25 events: at 10 and 20, then at close (25); 7 more: at close (32).
    expect(checkpoints.map((c) => [c.number, c.sequence, c.kind])).to.deep.equal([[1, 10, 'count'], [2, 20, 'count'], [3, 25, 'close'], [4, 32, 'close']]);
    let previous = FIRST_PREVIOUS;
    for (const checkpoint of checkpoints) {
      expect(signatureHolds(checkpoint, trusted)).to.equal(true);
      expect(checkpoint.previous).to.equal(previous);
      expect(checkpoint.link).to.equal(chainOf(events[checkpoint.sequence - 1]!)!.link);
      previous = checkpointDigest(checkpoint);
    }
    expect(readAnchor(anchorFile)).to.deep.equal(checkpoints);
  });

  it('states dropped events in the next checkpoint, with the chain head after them when they had been linked', async () => {
    const anchorFile = join(tempDir(), 'anchor.ndjson');
    const seen: SignedCheckpoint[] = [];
    // Nothing listens there: every event stays queued, so the small cap drops the newest.
    const transport = new OpenSearchAuditTransport({
      node: 'http://127.0.0.1:9', overflow: 'drop-newest', memoryCapBytes: 64 * 1024, closeTimeoutMs: 0,
      signingKey: keys.privatePem, anchorFile, onCheckpoint: (c) => seen.push(c),
    });
    transport.on('warn', () => undefined);
    const logger = winston.createLogger({ transports: [transport] });
    for (let i = 0; i < 200; i++) logger.info('audit', { audit: sampleEvent({ id: randomUUID(), details: { pad: 'x'.repeat(500) } }) });
    const { dropped, accepted } = transport.stats();
    expect(dropped).to.be.greaterThan(0);
    await transport.close();
    expect(seen).to.have.length(1);
    const [closing] = seen;
    expect(closing).to.include({ sequence: 200, kind: 'close' });
    expect(closing!.gaps).to.deep.equal([{ from: accepted + 1, to: 200, reason: 'memory-cap', link: closing!.link }]);
    expect(readAnchor(anchorFile)).to.deep.equal(seen);
  });

  it('refuses a signing key that is not an Ed25519 private key, saying so', () => {
    expect(() => new OpenSearchAuditTransport({ node: 'http://127.0.0.1:9', signingKey: keys.publicPem })).to.throw(/signingKey.*private key/);
    expect(() => new OpenSearchAuditTransport({ node: 'http://127.0.0.1:9', anchorFile: '/tmp/x' })).to.throw(/anchorFile.*needs signingKey/);
  });
});
