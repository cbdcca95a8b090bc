// The public keys the web view's Integrity page trusts: the data directory's keys/*.pub.pem and the files AUDIT_WEB_VERIFY_KEYS names.
import { readFileSync } from 'node:fs';
import { verifyKeyFrom, type VerifyKey } from '../integrity/keys.js';
import { ConfigurationError } from '../model/errors.js';
import { WEB_ENV } from '../web/settings.js';
import { localPublicKeys } from './signing-key.js';

/**
 * The trusted keys, each once (by key id): `localPublicKeys(dataDir)`, then each named file (a public key PEM; a private
 * key gives its public half). A file that cannot be read or holds no Ed25519 key is a configuration error naming it.
 */
export function webVerifyKeys(dataDir: string, files: readonly string[] = []): { keys: VerifyKey[]; sources: string[] } {
  const found: { file: string; key: VerifyKey }[] = [...localPublicKeys(dataDir)];
  for (const file of files) {
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigurationError(WEB_ENV.verifyKeys, `names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    try {
      found.push({ file, key: verifyKeyFrom(pem) });
    } catch (error) {
      throw new ConfigurationError(WEB_ENV.verifyKeys, `names ${file}: ${(error as Error).message}`);
    }
  }
  const keys = new Map<string, VerifyKey>();
  for (const { key } of found) if (!keys.has(key.keyId)) keys.set(key.keyId, key);
  return { keys: [...keys.values()], sources: found.map((f) => f.file) };
}
