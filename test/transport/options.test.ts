import { expect } from '../helpers/chai.js';
import { Client } from '@opensearch-project/opensearch';
import { ConfigurationError } from '../../src/model/errors.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newProducerId, resolveTransportOptions, TRANSPORT_DEFAULTS } from '../../src/transport/options.js';
import { DEFAULT_NAMESPACE } from '../../src/model/vocabulary.js';
import { dataStreamName } from '../../src/storage/template.js';
import { OpenSearchAuditTransport } from '../../src/transport/audit-transport.js';

describe('transport options', () => {
  const client = new Client({ node: 'http://127.0.0.1:1' });

  it('applies the documented defaults', () => {
    const resolved = resolveTransportOptions({ client });
    expect(resolved).to.include({ batchSize: TRANSPORT_DEFAULTS.batchSize, flushIntervalMs: 1000, dataStream: 'logs-audit_trail.events-default' });
  });

  it('makes every producer id by one recipe, <hostname>-<pid>-<random>, with or without a spool', async () => {
    const recipe = new RegExp(`^[\\w.:-]{1,100}-${process.pid}-[0-9a-f]{12}$`);
    const first = resolveTransportOptions({ client }).producerId;
    expect(first).to.match(recipe);
    expect(resolveTransportOptions({ client }).producerId, 'random per transport').to.not.equal(first);
    expect(newProducerId()).to.match(recipe).and.have.length.at.most(128);
    const spoolDir = mkdtempSync(join(tmpdir(), 'audit-producer-'));
    try {
      expect(resolveTransportOptions({ client, spoolDir }).producerId, 'read from (or made in) the spool').to.equal(undefined);
      const spooled = new OpenSearchAuditTransport({ client, spoolDir });
      expect(spooled.producerId).to.match(recipe);
      await spooled.close(0);
    } finally {
      rmSync(spoolDir, { recursive: true, force: true });
    }
  });

  it('defaults the namespace to the vocabulary\'s DEFAULT_NAMESPACE', () => {
    expect(TRANSPORT_DEFAULTS.namespace).to.equal(DEFAULT_NAMESPACE);
    expect(resolveTransportOptions({ client }).dataStream).to.equal(dataStreamName(DEFAULT_NAMESPACE));
  });

  describe('a bad option is a ConfigurationError naming it', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['batchSize', { batchSize: 0 }, /whole number from 1/],
      ['flushIntervalMs', { flushIntervalMs: 1.5 }, /whole number/],
      ['namespace', { namespace: 'Has-Dash' }, /lower case/],
      ['producerId', { producerId: 'has space' }, /letters, digits/],
      ['redact', { redact: 'no' }, /must be a function/],
      ['overflow', { overflow: 'grow' }, /must be one of spool, block, drop-newest/],
      ['maxBatchBytes', { maxBatchBytes: 11 * 1024 * 1024 }, /whole number from 1024 to 10485760/],
      ['segmentBytes', { memoryCapBytes: 1024 * 1024, segmentBytes: 1024 * 1024 }, /half of memoryCapBytes/],
      ['sync', { sync: 'sometimes' }, /must be one of interval, always, none/],
    ];
    for (const [option, given, message] of cases) {
      it(option, () => {
        expect(() => resolveTransportOptions({ client, ...given })).to.throw(ConfigurationError, message).with.property('option', option);
      });
    }

    it('node (missing, or not a URL)', () => {
      const saved = process.env.OPENSEARCH_URL;
      delete process.env.OPENSEARCH_URL;
      try {
        expect(() => new OpenSearchAuditTransport({})).to.throw(ConfigurationError, /OPENSEARCH_URL/).with.property('option', 'node');
        expect(() => new OpenSearchAuditTransport({ node: 'not a url' })).to.throw(ConfigurationError, /must be a URL/);
      } finally {
        if (saved !== undefined) process.env.OPENSEARCH_URL = saved;
      }
    });
  });
});
