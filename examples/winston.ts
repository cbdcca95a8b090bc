// An app that already has a winston logger: add the transport, log entries with an `audit` field.
import winston from 'winston';
import { OpenSearchAuditTransport, createRedactor } from 'audit-trail-opensearch';

const audit = new OpenSearchAuditTransport({
  node: process.env.OPENSEARCH_URL ?? 'http://127.0.0.1:9200',
  namespace: process.env.AUDIT_TRAIL_NAMESPACE ?? 'default',
  serviceName: 'workspaces',
  redact: createRedactor(), // masks authorization, cookie, set-cookie wherever they appear
});
audit.on('warn', (w) => console.warn('audit:', w.message)); // invalid or refused events, never thrown
const logger = winston.createLogger({ transports: [new winston.transports.Console({ level: 'error' }), audit] });

logger.info('workspace created', {
  audit: {
    action: 'create',
    actor: { id: 'u-1', name: 'alice', email: 'alice@example.com', roles: ['member'] },
    resource: { type: 'workspace', id: 'ws-42', target: 'alice-dev' },
    source: { ip: '203.0.113.7', userAgent: 'Mozilla/5.0', requestId: 'req-9' },
  },
});
logger.info('no audit field: this transport ignores it');

await new Promise((resolve) => {
  logger.on('finish', resolve); // 'finish' fires once the queued events are written
  logger.end();
});
