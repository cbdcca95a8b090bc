// Public entry point of audit-trail-opensearch.
export * from './vocabulary.js';
export { ConfigurationError } from './errors.js';
export { validateEvent, AuditValidationError, LIMITS, type AuditEvent, type AuditEventInput, type DiffEntry, type ValidationIssue } from './event.js';
export { toEcsDocument, describeEvent, safeMetadata, type AuditDocument, type DocumentContext } from './ecs-document.js';
export { buildIndexTemplate, dataStreamName, INDEX_PATTERN } from './template.js';
export { setupAuditStorage, installedTemplateVersion, type SetupOptions, type SetupResult } from './setup.js';
export { OpenSearchAuditTransport, type TransportStats, type TransportWarning } from './transport/audit-transport.js';
export { TRANSPORT_DEFAULTS, type AuditTransportOptions } from './transport/options.js';
export { listEvents, buildFilterQuery, toRow, type AuditFilter, type AuditRow, type Cursor, type ListOptions, type ListResult } from './query.js';
// Manage > Audit web view (issue 5): query growth, the search syntax, users and the app.
export { getEvent, encodeCursor, decodeCursor } from './query.js';
export { streamEvents, type StreamOptions } from './query-stream.js';
export { parseQuery, formatQuery, combineFilters, QuerySyntaxError, QUERY_KEYS } from './query-syntax.js';
export { UserStore, UserError, generatePassword, type User } from './auth/users.js';
export { createWebApp, type WebAppOptions } from './web/app.js';
export { startWebServer, type WebServer, type WebServerOptions } from './web/server.js';
