// The keys the Integrity page trusts: the data directory's keys/*.pub.pem and AUDIT_WEB_VERIFY_KEYS files, each once; a bad file named in the error.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../helpers/chai.js';
import { keyPair } from '../helpers/chains.js';
import { newKeyPairPem, verifyKeyFrom } from '../../src/integrity/keys.js';
import { ConfigurationError } from '../../src/model/errors.js';
import { webVerifyKeys } from '../../src/cli/web-verify-keys.js';
import { webSettingsFromEnvironment } from '../../src/web/settings.js';

describe('the Integrity page’s trusted keys (serve)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-web-keys-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads keys/*.pub.pem, then the named files (a private key gives its public half), each key once', () => {
    const local = keyPair();
    const outside = newKeyPairPem();
    mkdirSync(join(dir, 'keys'), { recursive: true });
    writeFileSync(join(dir, 'keys', 'signing.pub.pem'), local.publicPem);
    writeFileSync(join(dir, 'outside.pub.pem'), outside.publicPem);
    writeFileSync(join(dir, 'again.pem'), local.publicPem);
    writeFileSync(join(dir, 'outside.pem'), outside.privatePem);
    const found = webVerifyKeys(dir, [join(dir, 'outside.pub.pem'), join(dir, 'again.pem'), join(dir, 'outside.pem')]);
    expect(found.keys.map((k) => k.keyId)).to.deep.equal([local.verify.keyId, verifyKeyFrom(outside.publicPem).keyId]);
    expect(found.sources).to.have.length(4);
    expect(webVerifyKeys(mkdtempSync(join(tmpdir(), 'audit-web-nokeys-'))).keys).to.deep.equal([]);
  });

  it('a file that cannot be read or holds no Ed25519 key is a configuration error naming it', () => {
    writeFileSync(join(dir, 'junk.pem'), 'not a key');
    expect(() => webVerifyKeys(dir, [join(dir, 'junk.pem')])).to.throw(ConfigurationError, /"AUDIT_WEB_VERIFY_KEYS" names .*junk\.pem: not a PEM public key/);
    expect(() => webVerifyKeys(dir, [join(dir, 'absent.pem')])).to.throw(ConfigurationError, /absent\.pem, which cannot be read \(ENOENT\)/);
  });

  it('AUDIT_WEB_VERIFY_KEYS is a comma-separated list of paths', () => {
    expect(webSettingsFromEnvironment({ AUDIT_WEB_VERIFY_KEYS: ' /a.pub.pem, /b.pub.pem ,' }).verifyKeyFiles).to.deep.equal(['/a.pub.pem', '/b.pub.pem']);
    expect(() => webSettingsFromEnvironment({ AUDIT_WEB_VERIFY_KEYS: ' , ' })).to.throw(ConfigurationError, /"AUDIT_WEB_VERIFY_KEYS" has no file/);
    expect(webSettingsFromEnvironment({})).not.to.have.property('verifyKeyFiles');
  });
});
