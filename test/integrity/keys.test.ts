// Trusted keys from PEM text and from key objects (public, or private giving its public half), with one id either way.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { expect } from '../helpers/chai.js';
import { newKeyPairPem, signingKeyFrom, verifyKeyFrom } from '../../src/integrity/keys.js';

describe('verify keys', () => {
  const { privatePem, publicPem } = newKeyPairPem();
  const id = signingKeyFrom(privatePem).keyId;

  it('has the signing key’s id from PEM text, a public key object and a private key object', () => {
    expect(verifyKeyFrom(publicPem).keyId).to.equal(id);
    expect(verifyKeyFrom(createPublicKey(publicPem)).keyId).to.equal(id);
    expect(verifyKeyFrom(createPrivateKey(privatePem)).keyId).to.equal(id);
    expect(verifyKeyFrom(createPrivateKey(privatePem)).publicKey.type).to.equal('public');
  });

  it('refuses text that is not a key', () => {
    expect(() => verifyKeyFrom('hello')).to.throw(TypeError, /not a PEM public key/);
  });
});
