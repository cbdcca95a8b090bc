// Runs the example workspace platform on its own: `npx tsx src/dev/example-service/main.ts` (env PORT, OPENSEARCH_URL, AUDIT_HMAC_KEY).
import { randomBytes } from 'node:crypto';
import { createAuditLogger } from '../../recorder/audit-logger.js';
import { createWorkspacePlatform } from './platform.js';

const port = Number(process.env.PORT ?? 3000);
const hmacKey = process.env.AUDIT_HMAC_KEY ?? randomBytes(32).toString('hex');
if (!process.env.AUDIT_HMAC_KEY) console.warn('[example] AUDIT_HMAC_KEY is not set: using a random key, so secret hashes will not compare across restarts');
const audit = createAuditLogger({ serviceName: 'workspace-platform' });
const platform = createWorkspacePlatform({ sink: audit, hmacKey });
const stopScheduler = platform.startScheduler();
const server = platform.app.listen(port, () => {
  console.log(`[example] workspace platform on http://127.0.0.1:${port}; sign in with POST /login {"email":"alice@example.com","password":"alice-password"}`);
});
process.once('SIGINT', () => {
  stopScheduler();
  server.close(() => void audit.close().then(() => process.exit(0)));
});
