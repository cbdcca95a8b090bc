// Producers' signing keys on this machine: the key file named by AUDIT_TRAIL_SIGNING_KEY_FILE, or a key pair made once in the data directory's keys/ folder.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../model/errors.js';
import { newKeyPairPem, signingKeyFrom, verifyKeyFrom, type VerifyKey } from '../integrity/keys.js';

/** Names the Ed25519 private key (PEM file) that signs the checkpoints of this machine's producers (web view, command line). */
export const SIGNING_KEY_ENV = 'AUDIT_TRAIL_SIGNING_KEY_FILE';

/** Where key pairs made here are kept: `<dataDir>/keys/<name>.pem` (private, mode 600) and `<name>.pub.pem`. */
export const keysDir = (dataDir: string): string => join(dataDir, 'keys');

/** The key pair names: the product's own producers, and the demo's (never the same key as real events). */
export type KeyName = 'signing' | 'demo';

/**
 * The private key (PEM) a producer signs with: the file `AUDIT_TRAIL_SIGNING_KEY_FILE` names when set (for
 * `signing`), else `<dataDir>/keys/<name>.pem`, made on first use with its public half beside it (logged once,
 * so it can be given to auditors). Never printed.
 */
export function producerSigningKey(dataDir: string, name: KeyName, env: NodeJS.ProcessEnv, log: (line: string) => void): string {
  const named = name === 'signing' ? env[SIGNING_KEY_ENV] : undefined;
  if (named) {
    let pem: string;
    try {
      pem = readFileSync(named, 'utf8');
    } catch (error) {
      throw new ConfigurationError(SIGNING_KEY_ENV, `names ${named}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give the path of an Ed25519 private key in PEM`);
    }
    try {
      signingKeyFrom(pem);
    } catch (error) {
      throw new ConfigurationError(SIGNING_KEY_ENV, `names ${named}: ${(error as Error).message}`);
    }
    return pem;
  }
  const dir = keysDir(dataDir);
  const privateFile = join(dir, `${name}.pem`);
  if (existsSync(privateFile)) return readFileSync(privateFile, 'utf8');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = newKeyPairPem();
  writeFileSync(privateFile, pair.privatePem, { mode: 0o600, flag: 'wx' });
  chmodSync(privateFile, 0o600);
  writeFileSync(join(dir, `${name}.pub.pem`), pair.publicPem);
  log(`[keys] made the signing key ${privateFile} (${signingKeyFrom(pair.privatePem).keyId}); give ${join(dir, `${name}.pub.pem`)} to whoever verifies the audit log, and back up both`);
  return pair.privatePem;
}

/** The public keys kept in `<dataDir>/keys/` (`*.pub.pem`), each with the file it came from. */
export function localPublicKeys(dataDir: string): { file: string; key: VerifyKey }[] {
  const dir = keysDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => name.endsWith('.pub.pem')).sort().map((name) => {
    const file = join(dir, name);
    return { file, key: verifyKeyFrom(readFileSync(file, 'utf8')) };
  });
}
