// Decodes an OpenSearch client error: status, error type, reason, whether the cluster answered, and what to fix for TLS and authentication.
import { CONNECTION_ENV } from './connection.js';

/** A connection problem that the operator fixes in the configuration, not by waiting. */
export type ConnectionProblem = 'authentication' | 'permission' | 'aws-signature' | 'aws-credentials' | 'untrusted-certificate' | 'host-mismatch' | 'expired-certificate';

/** What an error from the OpenSearch client means. */
export interface DecodedOpenSearchError {
  /** HTTP status, when the cluster (or a proxy in front of it) answered. */
  status?: number;
  /** OpenSearch's error type, e.g. `resource_already_exists_exception`. */
  type?: string;
  /** What went wrong, in the cluster's (or Node's) words. */
  reason: string;
  /** True when no HTTP answer came back: refused, timed out, name not found, TLS handshake failed. */
  unreachable: boolean;
  /** Set for TLS and authentication problems. */
  problem?: ConnectionProblem;
  /** One line saying what went wrong and, for a `problem`, what to fix. Never holds a secret. */
  message: string;
}

const AUTH_VARIABLES = `${CONNECTION_ENV.username}/${CONNECTION_ENV.password}`;

/** What to say for each problem: the headline the tests and the README quote, then what to do. */
export const PROBLEM_MESSAGES: Record<ConnectionProblem, string> = {
  authentication: `authentication failed: check ${AUTH_VARIABLES} (or ${CONNECTION_ENV.passwordFile})`,
  permission: `permission denied: the user of ${AUTH_VARIABLES} lacks a permission for this request; grant it a role that allows it`,
  'aws-signature': `AWS SigV4 signature refused: check the AWS credentials, ${CONNECTION_ENV.awsRegion} and ${CONNECTION_ENV.awsService} (es for a domain, aoss for Serverless)`,
  'aws-credentials': 'no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, or run with an IAM role',
  'untrusted-certificate': `certificate not trusted: set ${CONNECTION_ENV.caFile} to the CA bundle that signed the cluster's certificate`,
  'host-mismatch': `host name does not match the certificate: use a host name the certificate lists in ${CONNECTION_ENV.url} (or have the certificate reissued for it)`,
  'expired-certificate': "certificate expired or not yet valid: renew the cluster's certificate (or check this machine's clock)",
};

/** Node's TLS verification codes and messages (the client keeps only the message), by problem. */
const TLS_SIGNS: [ConnectionProblem, RegExp][] = [
  ['untrusted-certificate', /SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|CERT_UNTRUSTED|self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate/i],
  ['host-mismatch', /ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate's altnames|is not in the cert's list|is not cert's CN/i],
  ['expired-certificate', /CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|certificate has expired|certificate is not yet valid/i],
];

const NO_ANSWER = new Set(['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError', 'RequestAbortedError']);

interface ClientErrorShape {
  name?: string;
  message?: string;
  code?: string;
  cause?: unknown;
  meta?: { statusCode?: number; body?: unknown };
}

function bodyError(body: unknown): { type?: string; reason?: string } {
  if (typeof body === 'string') {
    const text = (/<title>([^<]*)<\/title>/i.exec(body)?.[1] ?? body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
    return text ? { reason: text.slice(0, 200) } : {};
  }
  if (!body || typeof body !== 'object') return {};
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return { reason: error };
  if (error && typeof error === 'object') {
    const e = error as { type?: unknown; reason?: unknown };
    return { ...(typeof e.type === 'string' && { type: e.type }), ...(typeof e.reason === 'string' && { reason: e.reason }) };
  }
  const message = (body as { message?: unknown; Message?: unknown }).message ?? (body as { Message?: unknown }).Message;
  return typeof message === 'string' ? { reason: message } : {};
}

function problemOf(status: number | undefined, type: string | undefined, text: string, name: string): ConnectionProblem | undefined {
  if (status === 401) return 'authentication';
  if (status === 403) {
    if (/signature|security token|credential/i.test(text)) return 'aws-signature';
    if (type === 'security_exception' || type === undefined) return 'permission';
    return undefined;
  }
  if (status !== undefined) return undefined;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(text)) return 'aws-credentials';
  return TLS_SIGNS.find(([, sign]) => sign.test(text))?.[0];
}

/** Reads any error thrown by the opensearch-js client (or its AWS signer). */
export function decodeOpenSearchError(error: unknown): DecodedOpenSearchError {
  const e = (error ?? {}) as ClientErrorShape;
  const name = e.name ?? '';
  const status = typeof e.meta?.statusCode === 'number' ? e.meta.statusCode : undefined;
  const fromBody = bodyError(e.meta?.body);
  const causeCode = (e.cause as { code?: unknown } | undefined)?.code;
  const reason = fromBody.reason ?? e.message ?? String(error);
  const text = [e.code, typeof causeCode === 'string' ? causeCode : undefined, e.message, fromBody.reason].filter(Boolean).join(' ');
  const problem = problemOf(status, fromBody.type, text, name);
  const unreachable = status === undefined && (NO_ANSWER.has(name) || problem !== undefined);
  const said = fromBody.type ? `${fromBody.type}: ${reason}` : reason;
  const message = problem ? `${PROBLEM_MESSAGES[problem]} (${status !== undefined ? `HTTP ${status}: ` : ''}${said})` : status !== undefined ? `HTTP ${status} ${said}` : said;
  return { ...(status !== undefined && { status }), ...(fromBody.type && { type: fromBody.type }), reason, unreachable, ...(problem && { problem }), message };
}

/** An OpenSearch request failed for a reason the operator must fix; `message` says what, `cause` is the client's error. */
export class OpenSearchConnectionError extends Error {
  override readonly name = 'OpenSearchConnectionError';
  constructor(readonly decoded: DecodedOpenSearchError & { problem: ConnectionProblem }, options: { cause: unknown }) {
    super(decoded.message, options);
  }
}

/** The error to throw on: an OpenSearchConnectionError for a TLS or authentication problem, otherwise `error` itself. */
export function explainOpenSearchError(error: unknown): unknown {
  if (error instanceof OpenSearchConnectionError) return error;
  const decoded = decodeOpenSearchError(error);
  return decoded.problem ? new OpenSearchConnectionError({ ...decoded, problem: decoded.problem }, { cause: error }) : error;
}

/** Whether the error says the index or data stream does not exist (yet): nothing to read, not a failure. */
export function isMissingIndexError(error: unknown): boolean {
  const decoded = decodeOpenSearchError(error);
  return decoded.status === 404 || decoded.type === 'index_not_found_exception';
}
