import { expect } from '../helpers/chai.js';
import { classifyItem } from '../../src/transport/bulk.js';

describe('bulk requests', () => {
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
