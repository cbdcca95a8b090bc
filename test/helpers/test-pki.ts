// Test certificates and password hashes made at test time with the openssl CLI: a CA, certificates it signs, htpasswd lines.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OPENSSL = 'openssl';

function openssl(args: string[], input?: string): string {
  try {
    return execFileSync(OPENSSL, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...(input !== undefined && { input }) });
  } catch (error) {
    const e = error as { code?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('openssl is not installed: install it with `apt-get install -y openssl`');
    throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? String(error)}`);
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface TestCa {
  certFile: string;
  keyFile: string;
}

/** A self-signed CA, valid for two days, in `dir` as `<name>.crt` / `<name>.key`. */
export function makeCa(dir: string, name: string): TestCa {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  openssl(['req', '-x509', ...EC_KEY, '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=audit-trail test ${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return { certFile, keyFile };
}

/** A certificate signed by `ca`: for a server (`altNames` such as `DNS:localhost`, `IP:127.0.0.1`) or a client. */
export function makeCertificate(dir: string, name: string, ca: TestCa, use: { server: string[] } | { client: string }): { certFile: string; keyFile: string } {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  const subject = 'server' in use ? `/CN=${use.server[0]!.replace(/^\w+:/, '')}` : `/CN=${use.client}`;
  openssl(['req', ...EC_KEY, '-keyout', keyFile, '-out', csr, '-subj', subject]);
  const extensions = 'server' in use
    ? [`subjectAltName=${use.server.join(',')}`, 'extendedKeyUsage=serverAuth']
    : ['extendedKeyUsage=clientAuth'];
  writeFileSync(extFile, ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', ...extensions].join('\n') + '\n');
  openssl(['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial', '-days', '2', '-out', certFile, '-extfile', extFile]);
  return { certFile, keyFile };
}

/** An htpasswd line (`user:$apr1$…`) for nginx's basic auth; the password goes through stdin, not the command line. */
export function htpasswdLine(username: string, password: string): string {
  return `${username}:${openssl(['passwd', '-apr1', '-stdin'], `${password}\n`).trim()}`;
}
