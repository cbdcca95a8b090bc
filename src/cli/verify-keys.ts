// The trusted keys and anchors of `audit-trail verify`: public key PEM files (the data directory's keys/*.pub.pem and --keys), and the --anchor file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnchorFileError, parseAnchorText } from '../integrity/anchor-file.js';
import type { SignedCheckpoint } from '../integrity/checkpoint.js';
import { verifyKeyFrom, type VerifyKey } from '../integrity/keys.js';
import { defaultDataDir } from '../web/auth/data.js';
import { webSettingsFromEnvironment } from '../web/settings.js';
import { UsageError } from './command.js';

/** Where `demo` and `serve` keep their key pairs: `<data directory>/keys/`. */
export function keysDirectory(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return join(webSettingsFromEnvironment(env).dataDir ?? defaultDataDir(), 'keys');
  } catch {
    // No data directory can be named (an installed package without AUDIT_WEB_DATA_DIR): only --keys then.
    return undefined;
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${what} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function keyFrom(path: string): VerifyKey {
  try {
    return verifyKeyFrom(readText(path, 'key file'));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`key file ${path}: ${(error as Error).message}`);
  }
}

/**
 * The trusted keys: every `*.pub.pem` in the keys directory, then each `--keys` file (a public key PEM; a private key
 * gives its public half). None at all is a usage error saying where it looked. Duplicates count once.
 */
export function loadTrustedKeys(dir: string | undefined, files: readonly string[]): { keys: VerifyKey[]; sources: string[] } {
  const paths: string[] = [];
  if (dir) {
    try {
      paths.push(...readdirSync(dir).filter((name) => name.endsWith('.pub.pem')).sort().map((name) => join(dir, name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`the keys directory ${dir} cannot be read (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  paths.push(...files);
  const keys = new Map<string, VerifyKey>();
  for (const path of paths) {
    const key = keyFrom(path);
    keys.set(key.keyId, key);
  }
  if (keys.size === 0) {
    throw new UsageError(`no trusted public key: pass --keys FILE (a producer's Ed25519 public key, PEM)${dir ? `; none found as *.pub.pem in ${dir}` : ''}`);
  }
  return { keys: [...keys.values()], sources: paths };
}

/** The checkpoints of an --anchor file. */
export function loadAnchor(path: string): SignedCheckpoint[] {
  try {
    return parseAnchorText(readText(path, 'anchor file'));
  } catch (error) {
    if (error instanceof AnchorFileError) throw new UsageError(`anchor file ${path}, ${error.message}`);
    throw error;
  }
}
