// The library's public API: model, transport, recorder, storage, query, verification and Dashboards objects (the web view is `./web`).
export * from './model/vocabulary.js';
export { ConfigurationError } from './model/errors.js';
export { validateEvent, AuditValidationError, LIMITS, type AuditEvent, type AuditEventInput, type DiffEntry, type ValidationIssue } from './model/event.js';
export { toEcsDocument, describeEvent, safeMetadata, type AuditDocument, type DocumentContext } from './model/ecs-document.js';
export { toRow, shownText, type AuditRow, type ReadableField } from './model/row.js';

// Shipping: the winston transport.
export { OpenSearchAuditTransport, type TransportStats, type TransportWarning, type DropNotice } from './transport/audit-transport.js';
export type { DeadLetterRecord } from './transport/dead-letter.js';
export { TRANSPORT_DEFAULTS, type AuditTransportOptions, type OverflowPolicy, type SyncPolicy } from './transport/options.js';

// Recording from an app: typed API, Express middleware, field-policy diffs, redaction.
export { createAuditLogger, type AuditLogger, type AuditLoggerOptions, type AuditRecord, type AuditSink } from './recorder/audit-logger.js';
export { auditTrail, type AuditTrailOptions } from './recorder/middleware.js';
export { outcomeOfStatus, type AuditActor, type AuditDeclaration } from './recorder/declaration.js';
export { definePolicy, track, ignore, secret, nested, unclassifiedFields, UnclassifiedFieldError, type FieldPolicy, type FieldTable, type ResourcePolicy } from './recorder/field-policy.js';
export { diffResources, secretHash, classifySecretChanges, normaliseValue, type DiffOptions, type SecretChange } from './recorder/diff.js';
export { createRedactor, defaultRedactor, ALWAYS_REDACTED_KEYS, REDACTED, type RedactOptions } from './recorder/redact.js';

// Storage: the index template and its setup.
export { buildIndexTemplate, dataStreamName, INDEX_PATTERN } from './storage/template.js';
export { setupAuditStorage, installedTemplateVersion, type SetupOptions, type SetupResult } from './storage/setup.js';
export { REPLICA_DEFAULTS, type ReplicaChoice, type ReplicaSetting } from './storage/replicas.js';
export { connectionFromEnvironment, createOpenSearchClient, describeConnection, CONNECTION_ENV, type ConnectionOptions, type AwsSigning } from './storage/connection.js';
export { decodeOpenSearchError, OpenSearchConnectionError, type DecodedOpenSearchError, type ConnectionProblem } from './storage/opensearch-error.js';
export { checkClusterVersion, clusterVerdict, UnsupportedClusterError, MIN_OPENSEARCH_VERSION, TESTED_OPENSEARCH_VERSION, type ClusterVerdict } from './storage/cluster-version.js';

// Reading: filters, the search syntax, listing and export.
export { listEvents, getEvent, encodeCursor, decodeCursor, type Cursor, type ListOptions, type ListResult } from './query/list.js';
export { FILTER_KEYS, type AuditFilter, type FilterKey, type FilterKeyName, type FilterKeySpec } from './query/filter-keys.js';
export { buildFilterQuery } from './query/filter-query.js';
export { streamEvents, type StreamOptions } from './query/export-stream.js';
export { parseQuery, formatQuery, combineFilters, QuerySyntaxError, QUERY_KEYS } from './query/syntax.js';

// Verification of the hash chains and signed checkpoints of a namespace's producers.
export { verifyNamespace, type VerifyNamespaceOptions, type NamespaceReport, type NamespaceStatus } from './query/verify-namespace.js';
export { TimeBoundError } from './query/verify-window.js';
export { PROBLEM_KINDS, type ProblemKind, type VerifyProblem, type ProducerReport, type ProducerStatus } from './integrity/verify-report.js';
export { verifyKeyFrom, keyIdOf, type VerifyKey } from './integrity/keys.js';
export { checkpointFromSource, type SignedCheckpoint, type CheckpointGap, type CheckpointStatement } from './integrity/checkpoint.js';

// OpenSearch Dashboards saved objects.
export { buildSavedObjects, toNdjson, DASHBOARDS_FILE } from './dashboards/ndjson.js';
export { SAVED_SEARCHES, type SavedSearchSpec } from './dashboards/saved-searches.js';
export { importSavedObjects, DashboardsImportError, IMPORT_DEFAULTS, type ImportOptions, type ImportResponse } from './dashboards/import.js';
