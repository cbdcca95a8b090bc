// The one connection configuration to an OpenSearch cluster (nodes, credentials, TLS), read from the environment, shared by transport, CLI and web view.
import { readFileSync } from 'node:fs';
import { Client, type ClientOptions } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';
import { ConfigurationError } from '../model/errors.js';

/** How to reach a cluster. Secrets are read from files or the environment, never printed. */
export interface ConnectionOptions {
  /** Node URLs, without credentials. */
  nodes: string[];
  /** Basic auth user name. Default: none. */
  username?: string;
  /** Basic auth password. Default: none. */
  password?: string;
  /** PEM bundle of the CAs to trust, instead of the system's. Default: the system's. */
  caFile?: string;
  /** PEM client certificate for mutual TLS, with `keyFile`. Default: none. */
  certFile?: string;
  /** PEM private key of `certFile`. Default: none. */
  keyFile?: string;
  /** Verify the server's certificate and host name. Default: true (turn off only for a throwaway test cluster). */
  verifyTls: boolean;
  /** Sign requests with AWS SigV4 (Amazon OpenSearch Service or Serverless), credentials from the AWS default chain. Default: none. */
  aws?: AwsSigning;
}

/** AWS services that take SigV4-signed OpenSearch requests. */
export const AWS_SERVICES = ['es', 'aoss'] as const;

/** Where SigV4 signatures are scoped: `es` for Amazon OpenSearch Service, `aoss` for OpenSearch Serverless. */
export interface AwsSigning {
  region: string;
  service: (typeof AWS_SERVICES)[number];
}

/** The environment variables of the connection, each read in exactly one place (here). */
export const CONNECTION_ENV = {
  url: 'OPENSEARCH_URL',
  username: 'OPENSEARCH_USERNAME',
  password: 'OPENSEARCH_PASSWORD',
  passwordFile: 'OPENSEARCH_PASSWORD_FILE',
  caFile: 'OPENSEARCH_CA_FILE',
  certFile: 'OPENSEARCH_CERT_FILE',
  keyFile: 'OPENSEARCH_KEY_FILE',
  verifyTls: 'OPENSEARCH_TLS_VERIFY',
  awsRegion: 'OPENSEARCH_AWS_REGION',
  awsService: 'OPENSEARCH_AWS_SERVICE',
} as const;

/** What each variable means (the README's table is generated from this and CONNECTION_ENV). */
export const CONNECTION_ENV_HELP: Record<keyof typeof CONNECTION_ENV, string> = {
  url: 'Cluster URL, or several separated by commas. Credentials written in it (`https://user:pass@host`) are moved out of it and never shown. Required.',
  username: 'Basic auth user name.',
  password: 'Basic auth password.',
  passwordFile: 'File holding the password (a mounted secret, say), when `OPENSEARCH_PASSWORD` is not set.',
  caFile: "PEM bundle of the CAs that signed the cluster's certificate, trusted instead of the system's.",
  certFile: 'PEM client certificate for mutual TLS; needs `OPENSEARCH_KEY_FILE`.',
  keyFile: 'PEM private key of `OPENSEARCH_CERT_FILE`.',
  verifyTls: '`true` (default): verify the certificate and host name. `false` only for a throwaway test cluster.',
  awsRegion: 'Sign every request with AWS SigV4 for this region (Amazon OpenSearch Service or Serverless), with the AWS default credential chain. Not with a user name.',
  awsService: '`es` (Amazon OpenSearch Service, default) or `aoss` (OpenSearch Serverless).',
};

/** Splits a URL into the node URL without credentials and the credentials it carried. */
function splitCredentials(raw: string, variable: string): { url: string; username?: string; password?: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(variable, `is not a URL: give one such as https://opensearch.example.com:9200`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigurationError(variable, `must be an http:// or https:// URL, not ${url.protocol}`);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = '';
  url.password = '';
  return { url: url.toString().replace(/\/$/, ''), ...(username !== undefined && { username }), ...(password !== undefined && { password }) };
}

/**
 * Reads the connection from the environment: `OPENSEARCH_URL` (one URL, or several separated by
 * commas), `OPENSEARCH_USERNAME` with `OPENSEARCH_PASSWORD` or `OPENSEARCH_PASSWORD_FILE`,
 * `OPENSEARCH_CA_FILE`, `OPENSEARCH_CERT_FILE` + `OPENSEARCH_KEY_FILE`, `OPENSEARCH_TLS_VERIFY=false`.
 * Credentials inside the URL are accepted and moved out of it, so the URL can be shown.
 */
export function connectionFromEnvironment(env: NodeJS.ProcessEnv = process.env, fallbackUrl?: string): ConnectionOptions {
  const rawUrls = env[CONNECTION_ENV.url] || fallbackUrl;
  if (!rawUrls) throw new ConfigurationError(CONNECTION_ENV.url, 'is not set: give the cluster URL, e.g. OPENSEARCH_URL=https://opensearch.example.com:9200');
  const parts = rawUrls.split(',').map((part) => splitCredentials(part.trim(), CONNECTION_ENV.url));
  const fromUrl = parts.find((part) => part.username !== undefined);
  const passwordFile = env[CONNECTION_ENV.passwordFile];
  const password = env[CONNECTION_ENV.password] ?? (passwordFile ? readSecretFile(passwordFile, CONNECTION_ENV.passwordFile) : fromUrl?.password);
  const username = env[CONNECTION_ENV.username] ?? fromUrl?.username;
  const verify = env[CONNECTION_ENV.verifyTls];
  if (verify !== undefined && !['true', 'false'].includes(verify)) throw new ConfigurationError(CONNECTION_ENV.verifyTls, `must be true or false, not "${verify}"`);
  const options: ConnectionOptions = { nodes: parts.map((part) => part.url), verifyTls: verify !== 'false' };
  if (username !== undefined) options.username = username;
  if (password !== undefined) options.password = password;
  for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
    const value = env[CONNECTION_ENV[key]];
    if (value) options[key] = value;
  }
  if ((options.certFile === undefined) !== (options.keyFile === undefined)) {
    throw new ConfigurationError(options.certFile ? CONNECTION_ENV.keyFile : CONNECTION_ENV.certFile, 'must be set too: a client certificate needs its key (and the key its certificate)');
  }
  const aws = awsFromEnvironment(env);
  if (aws) {
    if (options.username !== undefined) {
      throw new ConfigurationError(CONNECTION_ENV.awsRegion, `is set together with a user name: sign with AWS SigV4 or use ${CONNECTION_ENV.username}/${CONNECTION_ENV.password}, not both`);
    }
    options.aws = aws;
  }
  return options;
}

function awsFromEnvironment(env: NodeJS.ProcessEnv): AwsSigning | undefined {
  const region = env[CONNECTION_ENV.awsRegion];
  const service = env[CONNECTION_ENV.awsService];
  if (!region) {
    if (service) throw new ConfigurationError(CONNECTION_ENV.awsRegion, `must be set too when ${CONNECTION_ENV.awsService} is: give the region of the domain or collection, e.g. eu-west-1`);
    return undefined;
  }
  if (!/^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(region)) throw new ConfigurationError(CONNECTION_ENV.awsRegion, `must be an AWS region such as eu-west-1, not "${region}"`);
  const chosen = service ?? 'es';
  if (!(AWS_SERVICES as readonly string[]).includes(chosen)) {
    throw new ConfigurationError(CONNECTION_ENV.awsService, `must be es (Amazon OpenSearch Service) or aoss (OpenSearch Serverless), not "${chosen}"`);
  }
  return { region, service: chosen as AwsSigning['service'] };
}

/** The AWS default credential chain (environment, shared files, SSO, web identity, container or instance role), loaded on first use. */
function awsDefaultCredentials(): () => Promise<AwsCredentials> {
  let chain: (() => Promise<AwsCredentials>) | undefined;
  return async () => {
    chain ??= (await import('@aws-sdk/credential-provider-node')).defaultProvider();
    return chain();
  };
}

interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

function readSecretFile(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new ConfigurationError(variable, `names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): check the path and its permissions`);
  }
}

function readPem(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigurationError(variable, `names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): check the path and its permissions`);
  }
}

/** The opensearch-js client options of a connection (files read now, so a bad path fails at start). */
export function clientOptions(connection: ConnectionOptions): ClientOptions {
  const ssl: NonNullable<ClientOptions['ssl']> = { rejectUnauthorized: connection.verifyTls };
  if (connection.caFile) ssl.ca = readPem(connection.caFile, CONNECTION_ENV.caFile);
  if (connection.certFile) ssl.cert = readPem(connection.certFile, CONNECTION_ENV.certFile);
  if (connection.keyFile) ssl.key = readPem(connection.keyFile, CONNECTION_ENV.keyFile);
  const options: ClientOptions = { node: connection.nodes, ssl };
  if (connection.username !== undefined) options.auth = { username: connection.username, password: connection.password ?? '' };
  if (connection.aws) {
    const { Connection, Transport } = AwsSigv4Signer({ ...connection.aws, getCredentials: awsDefaultCredentials() });
    Object.assign(options, { Connection, Transport });
  }
  return options;
}

/** A client for the connection. */
export function createOpenSearchClient(connection: ConnectionOptions): Client {
  return new Client(clientOptions(connection));
}

/** The connection as it may be shown: node URLs and how it authenticates, never a secret. */
export function describeConnection(connection: ConnectionOptions): string {
  const auth = connection.aws
    ? ` (AWS SigV4, ${connection.aws.service} in ${connection.aws.region})`
    : connection.username !== undefined ? ` as ${connection.username}` : '';
  return `${connection.nodes.join(', ')}${auth}`;
}
