// A secured cluster for tests: Debian's nginx as a TLS + basic-auth reverse proxy in front of the test node, certificates made now.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions } from '../../src/storage/connection.js';
import { testOpenSearchUrl } from './opensearch.js';
import { htpasswdLine, makeCa, makeCertificate, type TestCa } from './test-pki.js';

export const NGINX = '/usr/sbin/nginx';
const USERNAME = 'audit-writer';

export interface SecuredFront {
  /** `https://127.0.0.1:<port>`: TLS with a certificate for localhost and 127.0.0.1, basic auth. */
  url: string;
  /** The same front at an address its certificate does not list (127.0.0.2). */
  mismatchedUrl: string;
  /** `https://127.0.0.1:<port>` that also requires a client certificate signed by the test CA (no basic auth). */
  mutualTlsUrl: string;
  /** PEM of the test CA that signed the server certificate. */
  caFile: string;
  /** PEM of another CA, which signed nothing here. */
  otherCaFile: string;
  /** A client certificate and key signed by the test CA. */
  client: { certFile: string; keyFile: string };
  username: string;
  /** The password the front accepts now. */
  password: string;
  /** The connection to the front: CA trusted, the accepted credentials; `overrides` replace fields. */
  connection(overrides?: Partial<ConnectionOptions>): ConnectionOptions;
  /** Accepts `password` from now on (htpasswd swapped, `nginx -s reload`). */
  setPassword(password: string): void;
  /** Lines of nginx's access log so far (`status method path`). */
  accessLog(): string[];
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function nginxConfig(dir: string, ports: { main: number; mutual: number }, upstream: URL): string {
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};` : '';
  const tls = `ssl_certificate ${dir}/server.crt; ssl_certificate_key ${dir}/server.key;`;
  const proxy = `location / { proxy_pass http://opensearch; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Authorization ""; proxy_read_timeout 120s; }`;
  return `daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log notice;
${user}
events { worker_connections 256; }
http {
  log_format brief '$status $request_method $uri';
  access_log ${dir}/access.log brief;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  client_max_body_size 64m;
  upstream opensearch { server ${upstream.hostname}:${upstream.port || 80}; keepalive 8; }
  server {
    listen 127.0.0.1:${ports.main} ssl;
    listen 127.0.0.2:${ports.main} ssl;
    ${tls}
    auth_basic "audit-trail test";
    auth_basic_user_file ${dir}/htpasswd;
    ${proxy}
  }
  server {
    listen 127.0.0.1:${ports.mutual} ssl;
    ${tls}
    ssl_client_certificate ${dir}/ca.crt;
    ssl_verify_client on;
    ${proxy}
  }
}
`;
}

/** Starts nginx in front of `upstream` (default: the test node). Fails, never skips, when nginx is missing. */
export async function startSecuredFront(upstream: string = testOpenSearchUrl(), password = 'front-secret-1'): Promise<SecuredFront> {
  if (!existsSync(NGINX)) throw new Error(`nginx is not installed at ${NGINX}: install it with \`apt-get install -y nginx\` (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'audit-front-'));
  mkdirSync(join(dir, 'tmp'));
  const ca: TestCa = makeCa(dir, 'ca');
  const other = makeCa(dir, 'other-ca');
  makeCertificate(dir, 'server', ca, { server: ['DNS:localhost', 'IP:127.0.0.1'] });
  const client = makeCertificate(dir, 'client', ca, { client: USERNAME });
  const htpasswd = join(dir, 'htpasswd');
  const writePassword = (value: string): void => {
    writeFileSync(`${htpasswd}.new`, `${htpasswdLine(USERNAME, value)}\n`);
    renameSync(`${htpasswd}.new`, htpasswd);
  };
  writePassword(password);
  const ports = { main: await freePort(), mutual: await freePort() };
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, ports, new URL(upstream)));
  const nginxArgs = ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')];
  const child: ChildProcess = spawn(NGINX, nginxArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(ports.main)) || !(await canConnect(ports.mutual))) {
    const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
    if (gone || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start (${gone ? 'it exited' : 'not listening after 10 s'}): ${stderr}${log}`.trim());
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const front: SecuredFront = {
    url: `https://127.0.0.1:${ports.main}`,
    mismatchedUrl: `https://127.0.0.2:${ports.main}`,
    mutualTlsUrl: `https://127.0.0.1:${ports.mutual}`,
    caFile: ca.certFile,
    otherCaFile: other.certFile,
    client,
    username: USERNAME,
    password,
    connection: (overrides = {}) => ({ nodes: [front.url], username: USERNAME, password: front.password, caFile: ca.certFile, verifyTls: true, ...overrides }),
    setPassword: (value) => {
      writePassword(value);
      execFileSync(NGINX, [...nginxArgs, '-s', 'reload'], { stdio: 'pipe' });
      front.password = value;
    },
    accessLog: () => {
      const file = join(dir, 'access.log');
      return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    },
    stop: async () => {
      if (!gone) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return front;
}

/** A secured front for a suite: started in before(), stopped in after(). */
export function useSecuredFront(): { readonly front: SecuredFront } {
  let front: SecuredFront | undefined;
  before(async function () {
    this.timeout(30_000);
    front = await startSecuredFront();
  });
  after(() => front?.stop());
  return {
    get front() {
      if (!front) throw new Error('useSecuredFront: front used before the suite’s before() hook ran');
      return front;
    },
  };
}
