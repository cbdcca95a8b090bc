// GET /healthz for load balancers: 200 when the web view runs and OpenSearch answers, 503 otherwise; no sign-in, no data.
import type { RequestHandler } from 'express';
import type { Client } from '@opensearch-project/opensearch';

/** How long the health check waits for OpenSearch. */
export const HEALTH_TIMEOUT_MS = 2000;

/** The handler; `stopping()` turns it to 503 while the server drains before exiting. */
export function healthCheck(client: Client, stopping: () => boolean): RequestHandler {
  return (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (stopping()) {
      res.status(503).json({ status: 'stopping' });
      return;
    }
    client.info({}, { requestTimeout: HEALTH_TIMEOUT_MS, maxRetries: 0 }).then(
      () => res.status(200).json({ status: 'ok' }),
      () => res.status(503).json({ status: 'unavailable', opensearch: 'not reachable' }),
    );
  };
}
