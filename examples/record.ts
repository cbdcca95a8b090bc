// The typed audit API: one line per audited action; secret fields diffed as keyed hashes.
import { createAuditLogger, definePolicy, diffResources, ignore, secret, track } from 'audit-trail-opensearch';

interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  hashedSecret: string;
  lastUsedAt?: Date;
}

// Every field of ApiKey must be classified: leaving one out is a compile error.
const apiKeyPolicy = definePolicy<ApiKey>('api_key', {
  id: track,
  name: track,
  scopes: track,
  hashedSecret: secret,
  lastUsedAt: ignore('changes on every call'),
});

// OpenSearch URL from `node` or env OPENSEARCH_URL; namespace from env AUDIT_TRAIL_NAMESPACE or 'default'.
const audit = createAuditLogger({ serviceName: 'billing', redact: { keys: ['x-api-key'] } });

const before: ApiKey = { id: 'key-7', name: 'ci', scopes: ['read'], hashedSecret: 'h1' };
const after: ApiKey = { ...before, scopes: ['read', 'write'], hashedSecret: 'h2', lastUsedAt: new Date() };

audit.record({
  action: 'write', // compile error if not in the vocabulary, e.g. 'update'
  actor: { id: 'u-1', name: 'alice', email: 'alice@example.com', roles: ['site_manager'] },
  resource: { type: 'api_key', id: after.id, target: after.name },
  source: { ip: '203.0.113.7', userAgent: 'billing-cli/2.1', requestId: 'req-91' },
  diff: diffResources(apiKeyPolicy, before, after, { hmacKey: process.env.AUDIT_HMAC_KEY ?? 'dev-only-key-change-me' }),
  details: { 'x-api-key': 'never stored: the redactor masks it' },
});

await audit.close(); // resolves to the number left undelivered: 0 once the queued events are written
