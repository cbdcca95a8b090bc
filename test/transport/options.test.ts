import { expect } from '../helpers/chai.js';
import { Client } from '@opensearch-project/opensearch';
import { ConfigurationError } from '../../src/model/errors.js';
import { resolveTransportOptions, TRANSPORT_DEFAULTS } from '../../src/transport/options.js';
import { OpenSearchAuditTransport } from '../../src/transport/audit-transport.js';
import { classifyItem } from '../../src/transport/bulk.js';

describe('transport options', () => {
  const client = new Client({ node: 'http://127.0.0.1:1' });

  it('applies the documented defaults', () => {
    const o = resolveTransportOptions({ client });
    expect(o).to.include({ batchSize: TRANSPORT_DEFAULTS.batchSize, flushIntervalMs: 1000, dataStream: 'logs-audit_trail.events-default' });
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

  describe('bulk item outcomes', () => {
    it('2xx delivered, 409 delivered as replay, 429/5xx retry, other 4xx rejected', () => {
      expect(classifyItem({ status: 201 })).to.deep.equal({ kind: 'delivered', replay: false });
      expect(classifyItem({ status: 409, error: { type: 'version_conflict_engine_exception' } })).to.deep.equal({ kind: 'delivered', replay: true });
      expect(classifyItem({ status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } }).kind).to.equal('retry');
      expect(classifyItem({ status: 503 }).kind).to.equal('retry');
      const rejected = classifyItem({ status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [client.ip]' } });
      expect(rejected).to.deep.equal({ kind: 'rejected', status: 400, reason: 'mapper_parsing_exception: failed to parse field [client.ip]' });
    });
  });
});
