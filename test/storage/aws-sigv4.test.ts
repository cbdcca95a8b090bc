// AWS SigV4 signing of the connection, checked by a stand-in domain that recomputes each signature with @smithy/signature-v4.
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { createHash } from 'node:crypto';
import { expect } from '../helpers/chai.js';
import { startSigv4Domain, type AwsTestCredentials, type Sigv4Domain } from '../helpers/sigv4-domain.js';
import { connectionFromEnvironment, createOpenSearchClient } from '../../src/storage/connection.js';
import { OpenSearchConnectionError } from '../../src/storage/opensearch-error.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { OpenSearchAuditTransport } from '../../src/transport/audit-transport.js';
import { sampleEvent } from '../helpers/events.js';

const CREDENTIALS: AwsTestCredentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-for-the-test',
};
const REGION = 'eu-west-1';
const AWS_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_EC2_METADATA_DISABLED'] as const;

/** Sets the AWS variables the default credential chain reads first; returns how to put the old ones back. */
function useAwsEnvironment(secret = CREDENTIALS.secretAccessKey): () => void {
  const saved = Object.fromEntries(AWS_ENV.map((name) => [name, process.env[name]]));
  delete process.env.AWS_PROFILE;
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: CREDENTIALS.sessionToken, AWS_EC2_METADATA_DISABLED: 'true' });
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

for (const service of ['es', 'aoss'] as const) {
  describe(`AWS SigV4 signing (${service})`, () => {
    let domain: Sigv4Domain;
    let restore: () => void = () => undefined;
    const env = (): NodeJS.ProcessEnv => ({ OPENSEARCH_URL: domain.url, OPENSEARCH_AWS_REGION: REGION, OPENSEARCH_AWS_SERVICE: service });

    before(async () => {
      domain = await startSigv4Domain(CREDENTIALS, REGION, service);
    });
    after(() => domain.close());
    beforeEach(() => {
      domain.seen.length = 0;
    });
    afterEach(() => restore());

    it('signs every request with the credentials of the default chain, scoped to the region and service', async () => {
      restore = useAwsEnvironment();
      const client = createOpenSearchClient(connectionFromEnvironment(env()));
      expect((await client.info()).body).to.have.nested.property('version.number', '2.19.6');
      await setupAuditStorage(client, { namespace: 'signed' });
      await client.search({ index: 'logs-audit_trail.events-signed', body: { query: { match: { 'event.action': 'login ü' } } } });
      expect(domain.seen.length).to.be.at.least(4);
      expect(domain.seen.filter((r) => !r.verified)).to.deep.equal([]);
      expect(domain.seen[0]!.credential).to.match(new RegExp(`^AKIDEXAMPLE/\\d{8}/${REGION}/${service}/aws4_request$`));
    });

    it('signs the transport’s bulk requests, gzipped or not (filter_path query included)', async () => {
      restore = useAwsEnvironment();
      for (const gzip of [false, true]) {
        const transport = new OpenSearchAuditTransport({ connection: connectionFromEnvironment(env()), namespace: 'signed', flushIntervalMs: 20, gzip });
        for (let i = 0; i < 3; i++) transport.log({ level: 'info', message: 'audit', audit: sampleEvent({ id: undefined, resource: { type: 'workspace', id: `ws-${i}` } }) }, () => undefined);
        await transport.close();
        expect(transport.stats()).to.include({ delivered: 3, deadLettered: 0, queued: 0 });
      }
      const bulks = domain.seen.filter((r) => r.path === '/_bulk');
      expect(bulks).to.have.length(2);
      expect(bulks.every((r) => r.verified)).to.equal(true);
    });

    it('is refused with a wrong secret, and the error says what to check', async () => {
      restore = useAwsEnvironment('not-the-secret');
      const client = createOpenSearchClient(connectionFromEnvironment(env()));
      await expect(setupAuditStorage(client)).to.be.rejectedWith(OpenSearchConnectionError, /AWS SigV4 signature refused: check the AWS credentials, OPENSEARCH_AWS_REGION/);
      expect(domain.seen).to.have.length(1);
      expect(domain.seen[0]).to.include({ verified: false });
      expect(domain.seen[0]!.refusal).to.match(/signature we calculated does not match/);
    });

    it('refuses a signature made with the right secret but dated outside the clock tolerance (the verifier can fail)', async () => {
      const signer = new SignatureV4({ credentials: CREDENTIALS, region: REGION, service, sha256: Sha256 });
      const url = new URL(domain.url);
      const signed = await signer.sign(
        { method: 'GET', protocol: 'http:', hostname: url.hostname, path: '/', query: {}, headers: { host: url.hostname, 'x-amz-content-sha256': createHash('sha256').update('').digest('hex') } },
        { signingDate: new Date(Date.now() - 20 * 60_000) },
      );
      const res = await fetch(`${domain.url}/`, { headers: signed.headers });
      expect(res.status).to.equal(403);
      expect(((await res.json()) as { message: string }).message).to.match(/Signature expired/);
    });
  });
}
