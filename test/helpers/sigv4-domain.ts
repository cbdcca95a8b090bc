// A stand-in for an Amazon OpenSearch domain on 127.0.0.1: checks each request's SigV4 signature with @smithy/signature-v4, 403 on mismatch.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';

export interface AwsTestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** What the domain saw of one request. */
export interface SeenRequest {
  method: string;
  path: string;
  verified: boolean;
  /** Why it was refused. */
  refusal?: string;
  /** The signature's credential scope, e.g. `AKIA…/20260101/eu-west-1/es/aws4_request`. */
  credential?: string;
}

export interface Sigv4Domain {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** How far the request's X-Amz-Date may be from the domain's clock (AWS allows 15 minutes; a test needs far less). */
export const CLOCK_TOLERANCE_MS = 5 * 60_000;

const MISMATCH = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';

function amzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Recomputes the signature of `req` for `credentials`; returns why it is refused, or undefined when it is right. */
async function refusal(req: IncomingMessage, body: Buffer, credentials: AwsTestCredentials, region: string, service: string, now: () => number): Promise<string | undefined> {
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const authorization = header('authorization') ?? '';
  const signed = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const required = ['host', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'];
  const unsigned = required.filter((name) => !signed.includes(name));
  if (unsigned.length) return `missing or unsigned headers: ${unsigned.join(', ')}`;
  const date = amzDate(header('x-amz-date') ?? '');
  if (!date) return 'X-Amz-Date is not a date';
  if (Math.abs(date.getTime() - now()) > CLOCK_TOLERANCE_MS) return `Signature expired: ${header('x-amz-date')} is too far from now`;
  if (createHash('sha256').update(body).digest('hex') !== header('x-amz-content-sha256')) return 'X-Amz-Content-Sha256 does not match the body';
  const url = new URL(req.url ?? '/', 'http://placeholder');
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const had = query[key];
    query[key] = had === undefined ? value : [had].flat().concat(value);
  }
  const headers = Object.fromEntries(signed.map((name) => [name, header(name) ?? '']));
  const verifier = new SignatureV4({ credentials, region, service, sha256: Sha256 });
  const expected = await verifier.sign(
    { method: req.method ?? 'GET', protocol: 'http:', hostname: header('host') ?? '', path: url.pathname, query, headers, body },
    { signingDate: date },
  );
  return expected.headers.authorization === authorization ? undefined : MISMATCH;
}

/** Answers a verified request as a cluster would, just enough for the client, the setup and the transport. */
function answer(method: string, path: string, body: Buffer): unknown {
  if (path === '/_bulk') {
    const actions = body.toString('utf8').split('\n').filter(Boolean).filter((_, i) => i % 2 === 0);
    return { errors: false, items: actions.map(() => ({ create: { status: 201 } })) };
  }
  if (method === 'GET' && path === '/') return { name: 'sigv4-stand-in', version: { distribution: 'opensearch', number: '2.19.6' } };
  return { acknowledged: true };
}

/** Starts the stand-in on 127.0.0.1 (a free port), accepting only requests signed for `credentials`, `region` and `service`. */
export async function startSigv4Domain(credentials: AwsTestCredentials, region: string, service: string, now: () => number = Date.now): Promise<Sigv4Domain> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
      const why = await refusal(req, body, credentials, region, service, now);
      const credential = /Credential=([^,]+)/.exec(req.headers.authorization ?? '')?.[1];
      seen.push({ method: req.method ?? '', path, verified: why === undefined, ...(why && { refusal: why }), ...(credential && { credential }) });
      res.setHeader('content-type', 'application/json');
      if (why) {
        res.statusCode = 403;
        res.end(JSON.stringify({ message: why }));
      } else {
        res.end(JSON.stringify(answer(req.method ?? 'GET', path, req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body)));
      }
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
