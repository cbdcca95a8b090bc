// The connection configuration read from the environment: URLs, credentials out of the URL, TLS files, errors that name the variable.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../helpers/chai.js';
import { ConfigurationError } from '../../src/model/errors.js';
import { clientOptions, connectionFromEnvironment, describeConnection } from '../../src/storage/connection.js';

describe('connection from the environment', () => {
  it('moves credentials out of the URL, so the URL can be shown', () => {
    const connection = connectionFromEnvironment({ OPENSEARCH_URL: 'https://ops:s3cr%40t@search.example.com:9200/' });
    expect(connection).to.deep.include({ nodes: ['https://search.example.com:9200'], username: 'ops', password: 's3cr@t', verifyTls: true });
    expect(describeConnection(connection)).to.equal('https://search.example.com:9200 as ops').and.not.contain('s3cr');
  });

  it('takes several nodes, and the password from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conn-'));
    writeFileSync(join(dir, 'password'), 'from-file\n');
    const connection = connectionFromEnvironment({
      OPENSEARCH_URL: 'https://a:9200,https://b:9200',
      OPENSEARCH_USERNAME: 'svc',
      OPENSEARCH_PASSWORD_FILE: join(dir, 'password'),
    });
    expect(connection.nodes).to.deep.equal(['https://a:9200', 'https://b:9200']);
    expect(connection.password).to.equal('from-file');
    expect(clientOptions(connection).auth).to.deep.equal({ username: 'svc', password: 'from-file' });
  });

  it('names the variable and what to do when something is wrong', () => {
    expect(() => connectionFromEnvironment({})).to.throw(ConfigurationError, /OPENSEARCH_URL.*is not set/);
    expect(() => connectionFromEnvironment({ OPENSEARCH_URL: 'ftp://x' })).to.throw(ConfigurationError, /http:\/\/ or https:\/\//);
    expect(() => connectionFromEnvironment({ OPENSEARCH_URL: 'https://x', OPENSEARCH_TLS_VERIFY: 'no' })).to.throw(ConfigurationError, /OPENSEARCH_TLS_VERIFY.*true or false/);
    expect(() => connectionFromEnvironment({ OPENSEARCH_URL: 'https://x', OPENSEARCH_CERT_FILE: '/c.pem' })).to.throw(ConfigurationError, /OPENSEARCH_KEY_FILE/);
    expect(() => clientOptions(connectionFromEnvironment({ OPENSEARCH_URL: 'https://x', OPENSEARCH_CA_FILE: '/nonexistent/ca.pem' }))).to.throw(ConfigurationError, /OPENSEARCH_CA_FILE.*ENOENT/);
  });

  it('verifies TLS unless told not to', () => {
    expect(clientOptions(connectionFromEnvironment({ OPENSEARCH_URL: 'https://x' })).ssl).to.deep.equal({ rejectUnauthorized: true });
    expect(clientOptions(connectionFromEnvironment({ OPENSEARCH_URL: 'https://x', OPENSEARCH_TLS_VERIFY: 'false' })).ssl).to.deep.equal({ rejectUnauthorized: false });
  });
});
