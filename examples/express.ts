// Express: `auditTrail()` gives handlers `req.audit(...)`; events are written when the response finishes.
import express from 'express';
import { auditTrail, createAuditLogger } from 'audit-trail-opensearch';

export const audit = createAuditLogger({ serviceName: 'workspaces' });

export const app = express();
app.set('trust proxy', 'loopback'); // req.ip is the client behind your reverse proxy
app.use(express.json());
app.use(
  auditTrail({
    sink: audit,
    actor: (req) => (req.get('x-user-id') ? { id: req.get('x-user-id') as string } : undefined), // your auth here
    requestIdHeader: 'x-request-id', // read if present, else a UUIDv7; echoed in the response
  }),
);

app.post('/workspaces/:id/stop', (req, res) => {
  req.audit({ action: 'stop', resource: { type: 'workspace', id: req.params.id } });
  res.json({ stopped: req.params.id }); // 2xx/3xx: success; 4xx/5xx or a thrown error: failure
});

if (import.meta.url === `file://${process.argv[1]}`) app.listen(3000);
