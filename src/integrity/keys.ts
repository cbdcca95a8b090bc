// Ed25519 keys of producers: loading them from PEM, their ids (from the public key), and new key pairs.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A producer's signing key and the id checkpoints name it by. */
export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

/** A public key a verifier trusts, by id. */
export interface VerifyKey {
  keyId: string;
  publicKey: KeyObject;
}

/** The id of a public key: `ed25519:` and the first 16 hex digits of SHA-256 over its DER (SPKI) form. */
export function keyIdOf(publicKey: KeyObject): string {
  return `ed25519:${createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16)}`;
}

function mustBeEd25519(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`${what} is a ${key.asymmetricKeyType ?? key.type} key: checkpoints are signed with Ed25519 (make one with 'openssl genpkey -algorithm ed25519')`);
}

/** A signing key from a private key (PEM text or a KeyObject); throws a TypeError saying what is wrong. */
export function signingKeyFrom(key: string | KeyObject): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = typeof key === 'string' ? createPrivateKey(key) : key;
  } catch (error) {
    throw new TypeError(`the signing key is not a PEM private key (${(error as Error).message})`);
  }
  if (privateKey.type !== 'private') throw new TypeError('the signing key must be a private key, not a public one');
  mustBeEd25519(privateKey, 'the signing key');
  return { keyId: keyIdOf(createPublicKey(privateKey)), privateKey };
}

/** A trusted key from a public key (PEM text or a KeyObject); a private key gives its public half. */
export function verifyKeyFrom(key: string | KeyObject): VerifyKey {
  let publicKey: KeyObject;
  try {
    // createPublicKey takes a private KeyObject (giving its public half) but refuses a public one.
    publicKey = typeof key !== 'string' && key.type === 'public' ? key : createPublicKey(key);
  } catch (error) {
    throw new TypeError(`not a PEM public key (${(error as Error).message})`);
  }
  mustBeEd25519(publicKey, 'the public key');
  return { keyId: keyIdOf(publicKey), publicKey };
}

/** A new Ed25519 key pair as PEM texts (PKCS#8 private, SPKI public). */
export function newKeyPairPem(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
