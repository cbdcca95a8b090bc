// The decoder of OpenSearch client errors, on the client's own error classes (the secured-cluster suite checks real ones).
import { errors } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { decodeOpenSearchError, explainOpenSearchError, isMissingIndexError, OpenSearchConnectionError } from '../../src/storage/opensearch-error.js';

const response = (statusCode: number, body: unknown): InstanceType<typeof errors.ResponseError> =>
  new errors.ResponseError({ body, statusCode, headers: {}, warnings: null, meta: {} as never });

describe('decoding OpenSearch client errors', () => {
  it('reads status, type and reason of an OpenSearch error answer', () => {
    const decoded = decodeOpenSearchError(response(400, { error: { type: 'resource_already_exists_exception', reason: 'data_stream [x] already exists' }, status: 400 }));
    expect(decoded).to.deep.equal({ status: 400, type: 'resource_already_exists_exception', reason: 'data_stream [x] already exists', unreachable: false, message: 'HTTP 400 resource_already_exists_exception: data_stream [x] already exists' });
    expect(explainOpenSearchError(response(400, {}))).to.be.instanceOf(errors.ResponseError);
  });

  it('says what to fix for authentication, permissions and AWS signatures', () => {
    expect(decodeOpenSearchError(response(401, '<html><head><title>401 Authorization Required</title></head></html>'))).to.include({ problem: 'authentication', reason: '401 Authorization Required' });
    expect(decodeOpenSearchError(response(401, 'Unauthorized')).message).to.match(/^authentication failed: check OPENSEARCH_USERNAME\/OPENSEARCH_PASSWORD/);
    expect(decodeOpenSearchError(response(403, { error: { type: 'security_exception', reason: 'no permissions for [indices:data/write/bulk]' } })).problem).to.equal('permission');
    expect(decodeOpenSearchError(response(403, { message: 'The security token included in the request is invalid.' })).problem).to.equal('aws-signature');
    expect(decodeOpenSearchError(response(403, { error: { type: 'cluster_block_exception', reason: 'index [x] blocked by: [FORBIDDEN/8/index write (api)]' } })).problem).to.equal(undefined);
    const wrapped = explainOpenSearchError(response(401, ''));
    expect(wrapped).to.be.instanceOf(OpenSearchConnectionError).with.property('cause').that.is.instanceOf(errors.ResponseError);
  });

  it('tells a missing index (nothing to read yet) from other failures', () => {
    expect(isMissingIndexError(response(404, { error: { type: 'index_not_found_exception', reason: 'no such index [logs-x]' } }))).to.equal(true);
    expect(isMissingIndexError(response(400, { error: { type: 'index_not_found_exception', reason: 'no such index' } }))).to.equal(true);
    expect(isMissingIndexError(response(401, { error: { type: 'security_exception' } }))).to.equal(false);
    expect(isMissingIndexError(new Error('socket hang up'))).to.equal(false);
  });

  it('tells TLS failures apart, and marks requests that got no answer', () => {
    const tls = (message: string) => decodeOpenSearchError(new errors.ConnectionError(message, undefined as never));
    expect(tls('unable to verify the first certificate')).to.include({ problem: 'untrusted-certificate', unreachable: true });
    expect(tls('self-signed certificate in certificate chain').message).to.match(/^certificate not trusted: set OPENSEARCH_CA_FILE/);
    expect(tls("Hostname/IP does not match certificate's altnames: Host: db. is not in the cert's list: localhost").message).to.match(/^host name does not match the certificate/);
    expect(tls('certificate has expired').problem).to.equal('expired-certificate');
    expect(tls('connect ECONNREFUSED 127.0.0.1:1')).to.deep.equal({ reason: 'connect ECONNREFUSED 127.0.0.1:1', unreachable: true, message: 'connect ECONNREFUSED 127.0.0.1:1' });
    expect(decodeOpenSearchError(new errors.TimeoutError('Request timed out', undefined as never)).unreachable).to.equal(true);
    expect(decodeOpenSearchError(new Error('something else'))).to.include({ unreachable: false, reason: 'something else' });
  });
});
