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
