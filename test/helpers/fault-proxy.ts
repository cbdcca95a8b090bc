// A loopback HTTP proxy in front of OpenSearch that injects faults into bulk requests and records what it saw and acknowledged.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** What the proxy does with one bulk request. */
export type Fault =
  /** Forward it unchanged. */
  | 'pass'
  /** Destroy the connection without forwarding. */
  | 'reset'
  /** Forward it, then destroy the connection instead of answering (indexed, but the client cannot know). */
  | 'forward-then-reset'
  /** Never answer (the client's timeout fires). */
  | 'stall'
  /** Answer 429 / 503 / 401 / 403 without forwarding. */
  | '429'
  | '503'
  | '401'
  | '403'
  /** Forward only the odd items; answer 429 for the even ones (never indexed). */
  | 'partial-429'
  /** Forward all; report every third item as 503 although it was indexed (re-sent: must come back 409). */
  | 'partial-503';

type Item = Record<string, { status: number; error?: unknown }>;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Counts of what the proxy did, per fault. */
export type FaultCounts = Partial<Record<Fault | '413', number>>;

/** One bulk request as it came in. */
export interface SeenRequest {
  fault: Fault | '413';
  ids: string[];
  /** Its Content-Encoding header ('' when none). */
  encoding: string;
  /** Body bytes as sent (compressed when it is). */
  bytes: number;
}

/** The `_id` of each action line of an NDJSON bulk body. */
function bulkIds(body: Buffer): string[] {
  const lines = body.toString('utf8').split('\n').filter(Boolean);
  const ids: string[] = [];
  for (let i = 0; i < lines.length; i += 2) ids.push((JSON.parse(lines[i]!) as { create: { _id: string } }).create._id);
  return ids;
}

export class FaultProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private bulkRequests = 0;
  readonly counts: FaultCounts = {};
  /** Every bulk request, in order. */
  readonly requests: SeenRequest[] = [];
  /** Ids the proxy answered as indexed (201, or 409: already there). */
  readonly acknowledged = new Set<string>();
  /** Ids sent again after the proxy had acknowledged them: a re-send of a delivered item. */
  readonly resentAfterAck: string[] = [];

  /**
   * `plan(n)` picks the fault of the n-th bulk request (0-based); a body over `maxBodyBytes` (uncompressed)
   * is answered 413 without counting as a planned request.
   */
  constructor(
    private readonly target: string,
    private readonly plan: (n: number) => Fault,
    private readonly maxBodyBytes = Infinity,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const url = new URL(req.url ?? '/', this.target);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'content-length', 'accept-encoding'].includes(k)) headers[k] = v;
    headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const out = httpRequest(url, { method: req.method, headers }, (res) => {
        readBody(res).then((b) => {
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string' && k !== 'content-length' && k !== 'transfer-encoding') h[k] = v;
          resolve({ status: res.statusCode ?? 502, headers: h, body: b });
        }, reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sent = await readBody(req);
    const encoding = req.headers['content-encoding'] ?? '';
    const bulk = req.method === 'POST' && (req.url ?? '').includes('_bulk');
    let body = sent;
    if (bulk && encoding === 'gzip') {
      // Inspected and forwarded uncompressed.
      body = gunzipSync(sent);
      delete req.headers['content-encoding'];
    }
    const ids = bulk ? bulkIds(body) : [];
    const fault: Fault | '413' = !bulk ? 'pass' : body.length > this.maxBodyBytes ? '413' : this.plan(this.bulkRequests++);
    this.counts[fault] = (this.counts[fault] ?? 0) + 1;
    if (bulk) {
      this.requests.push({ fault, ids, encoding, bytes: sent.length });
      for (const id of ids) if (this.acknowledged.has(id)) this.resentAfterAck.push(id);
    }
    const reply = (status: number, headers: Record<string, string>, payload: Buffer) => {
      if (bulk && status === 200) {
        const items = (JSON.parse(payload.toString('utf8')) as { items?: Item[] }).items ?? [];
        const indexed = ids.filter((_, i) => {
          const itemStatus = Object.values(items[i] ?? {})[0]?.status ?? 0;
          return (itemStatus >= 200 && itemStatus < 300) || itemStatus === 409;
        });
        // Acknowledged once the answer is out (a client that gave up before it never heard it).
        res.on('finish', () => indexed.forEach((id) => this.acknowledged.add(id)));
      }
      res.writeHead(status, { ...headers, 'content-length': String(payload.length) });
      res.end(payload);
    };
    const json = (status: number, value: unknown) => reply(status, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify(value)));
    switch (fault) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'stall':
        return; // never answered; the client gives up
      case '429':
      case '503':
      case '401':
      case '403':
      case '413':
        json(Number(fault), { error: { type: 'injected', reason: `injected ${fault}` }, status: Number(fault) });
        return;
      case 'forward-then-reset':
        await this.forward(req, body);
        req.socket.destroy();
        return;
      case 'partial-429': {
        const lines = body.toString('utf8').split('\n').filter(Boolean);
        const keep: string[] = [];
        for (let i = 0; i < lines.length; i += 2) if ((i / 2) % 2 === 1) keep.push(lines[i]!, lines[i + 1]!);
        const forwarded = keep.length ? JSON.parse((await this.forward(req, Buffer.from(keep.join('\n') + '\n'))).body.toString('utf8')) as { items: Item[] } : { items: [] };
        const items: Item[] = [];
        let k = 0;
        for (let i = 0; i < lines.length / 2; i++) {
          items.push(i % 2 === 1 ? forwarded.items[k++]! : { create: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'injected 429' } } });
        }
        json(200, { took: 1, errors: true, items });
        return;
      }
      case 'partial-503': {
        const answer = await this.forward(req, body);
        const parsed = JSON.parse(answer.body.toString('utf8')) as { items: Item[] };
        parsed.items = parsed.items.map((item, i) => (i % 3 === 0 ? { create: { status: 503, error: { type: 'unavailable_shards_exception', reason: 'injected 503' } } } : item));
        json(200, { ...parsed, errors: true });
        return;
      }
      default: {
        const answer = await this.forward(req, body);
        reply(answer.status, answer.headers, answer.body);
      }
    }
  }
}
