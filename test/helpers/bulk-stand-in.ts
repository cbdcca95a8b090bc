// A loopback HTTP stand-in for OpenSearch's `_bulk`: answers each item as a test's plan says, and records what was sent.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The answer to one item: a status (with an error for anything but 2xx), or a whole-request status. */
export interface ItemAnswer {
  status: number;
  error?: { type: string; reason: string };
}

/** Decides each item's answer from its `_id` and how many times that id was sent before (0 the first time). */
export type ItemPlan = (id: string, previousSends: number) => ItemAnswer;

/** Decides a whole request's status from its item ids (undefined: answer per item). */
export type RequestPlan = (ids: string[]) => number | undefined;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export class BulkStandIn {
  private server: Server | undefined;
  private readonly sends = new Map<string, number>();
  /** The item ids of each bulk request, in the order they came. */
  readonly requests: string[][] = [];
  /** Every document line received, by `_id` (the last one sent). */
  readonly documents = new Map<string, unknown>();

  constructor(
    private readonly itemPlan: ItemPlan,
    private readonly requestPlan: RequestPlan = () => undefined,
  ) {}

  /** Listens on 127.0.0.1 (port 0); resolves to its URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const lines = body.split('\n').filter(Boolean);
        const ids: string[] = [];
        for (let i = 0; i < lines.length; i += 2) {
          const action = JSON.parse(lines[i]!) as { create: { _id: string } };
          ids.push(action.create._id);
          this.documents.set(action.create._id, JSON.parse(lines[i + 1]!));
        }
        this.requests.push(ids);
        const whole = this.requestPlan(ids);
        const json = (status: number, value: unknown) => {
          const payload = JSON.stringify(value);
          res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
          res.end(payload);
        };
        if (whole !== undefined) {
          json(whole, { error: { type: 'stand_in', reason: `whole request answered ${whole}` }, status: whole });
          return;
        }
        const items = ids.map((id) => {
          const previous = this.sends.get(id) ?? 0;
          this.sends.set(id, previous + 1);
          return { create: this.itemPlan(id, previous) };
        });
        json(200, { took: 1, errors: items.some((item) => item.create.status >= 300), items });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
