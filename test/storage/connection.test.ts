// The connection configuration read from the environment: URLs, credentials out of the URL, TLS files, errors that name the variable.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../helpers/chai.js';
import { ConfigurationError } from '../../src/model/errors.js';
import { clientOptions, connectionFromEnvironment, describeConnection, CONNECTION_ENV, CONNECTION_ENV_HELP } from '../../src/storage/connection.js';

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

  it('signs with AWS SigV4 when a region is given (service es by default, or aoss), and never with a password too', () => {
    const domain = connectionFromEnvironment({ OPENSEARCH_URL: 'https://search-x.eu-west-1.es.amazonaws.com', OPENSEARCH_AWS_REGION: 'eu-west-1' });
    expect(domain.aws).to.deep.equal({ region: 'eu-west-1', service: 'es' });
    expect(describeConnection(domain)).to.equal('https://search-x.eu-west-1.es.amazonaws.com (AWS SigV4, es in eu-west-1)');
    expect(clientOptions(domain)).to.include.keys('Connection', 'Transport');
    const serverless = connectionFromEnvironment({ OPENSEARCH_URL: 'https://x.us-east-1.aoss.amazonaws.com', OPENSEARCH_AWS_REGION: 'us-east-1', OPENSEARCH_AWS_SERVICE: 'aoss' });
    expect(serverless.aws).to.deep.equal({ region: 'us-east-1', service: 'aoss' });
    expect(clientOptions(connectionFromEnvironment({ OPENSEARCH_URL: 'https://x' }))).not.to.have.any.keys('Connection', 'Transport');
    expect(() => connectionFromEnvironment({ OPENSEARCH_URL: 'https://x', OPENSEARCH_AWS_SERVICE: 'aoss' })).to.throw(ConfigurationError, /OPENSEARCH_AWS_REGION.*must be set too/);
    expect(() => connectionFromEnvironment({ OPENSEARCH_URL: 'https://x', OPENSEARCH_AWS_REGION: 'Ireland' })).to.throw(ConfigurationError, /OPENSEARCH_AWS_REGION.*eu-west-1/);
    expect(() => connectionFromEnvironment({ OPENSEARCH_URL: 'https://x', OPENSEARCH_AWS_REGION: 'eu-west-1', OPENSEARCH_AWS_SERVICE: 'ec2' })).to.throw(ConfigurationError, /OPENSEARCH_AWS_SERVICE.*es .*aoss/);
    expect(() => connectionFromEnvironment({ OPENSEARCH_URL: 'https://u:p@x', OPENSEARCH_AWS_REGION: 'eu-west-1' })).to.throw(ConfigurationError, /not both/);
  });

  it('is documented in the README: one row per variable of CONNECTION_ENV, with its meaning', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = /<!-- generated:connection -->([\s\S]*?)<!-- \/generated:connection -->/.exec(readme)?.[1] ?? '';
    const rows = [...block.matchAll(/^\| `([A-Z_]+)` \| (.*) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).to.deep.equal(Object.entries(CONNECTION_ENV).map(([key, variable]) => [variable, CONNECTION_ENV_HELP[key as keyof typeof CONNECTION_ENV]]));
  });
});
