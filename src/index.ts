// Public entry point of audit-trail-opensearch.
export * from './vocabulary.js';
export { ConfigurationError } from './errors.js';
export { validateEvent, AuditValidationError, LIMITS, type AuditEvent, type AuditEventInput, type DiffEntry, type ValidationIssue } from './event.js';
export { toEcsDocument, describeEvent, safeMetadata, type AuditDocument, type DocumentContext } from './ecs-document.js';
export { buildIndexTemplate, dataStreamName, INDEX_PATTERN } from './template.js';
export { setupAuditStorage, installedTemplateVersion, type SetupOptions, type SetupResult } from './setup.js';
export { OpenSearchAuditTransport, type TransportStats, type TransportWarning, type DropNotice } from './transport/audit-transport.js';
export type { DeadLetterRecord } from './transport/dead-letter.js';
export { TRANSPORT_DEFAULTS, type AuditTransportOptions, type OverflowPolicy, type SyncPolicy } from './transport/options.js';
export { listEvents, buildFilterQuery, toRow, type AuditFilter, type AuditRow, type Cursor, type ListOptions, type ListResult } from './query.js';
export { buildSavedObjects, toNdjson, DASHBOARDS_FILE } from './dashboards/ndjson.js';
export { SAVED_SEARCHES, type SavedSearchSpec } from './dashboards/saved-searches.js';
export { importSavedObjects, DashboardsImportError, IMPORT_DEFAULTS, type ImportOptions, type ImportResponse } from './dashboards/import.js';
// Plugging it into an app (issue 7): typed API, Express middleware, field-policy diffs, redaction.
export { createAuditLogger, type AuditLogger, type AuditLoggerOptions, type AuditRecord, type AuditSink } from './app/audit-logger.js';
export { auditTrail, type AuditTrailOptions } from './app/middleware.js';
export { outcomeOfStatus, type AuditActor, type AuditDeclaration } from './app/declaration.js';
export { definePolicy, track, ignore, secret, nested, unclassifiedFields, UnclassifiedFieldError, type FieldPolicy, type FieldTable, type ResourcePolicy } from './app/field-policy.js';
export { diffResources, secretHash, classifySecretChanges, normaliseValue, type DiffOptions, type SecretChange } from './app/diff.js';
export { createRedactor, defaultRedactor, ALWAYS_REDACTED_KEYS, REDACTED, type RedactOptions } from './app/redact.js';
// Manage > Audit web view (issue 5): query growth, the search syntax, users and the app.
export { getEvent, encodeCursor, decodeCursor } from './query.js';
export { streamEvents, type StreamOptions } from './query-stream.js';
export { parseQuery, formatQuery, combineFilters, QuerySyntaxError, QUERY_KEYS } from './query-syntax.js';
export { UserStore, UserError, generatePassword, type User } from './auth/users.js';
export { createWebApp, type WebAppOptions } from './web/app.js';
export { startWebServer, type WebServer, type WebServerOptions } from './web/server.js';
