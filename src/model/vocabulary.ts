// The one source of truth: actions, resource types, outcomes, roles and the indexed field list.
import ecsHelpers from '@elastic/ecs-helpers';

/** The closed action vocabulary (from Coder v1's audit log), with what each means. */
export const ACTIONS = [
  'auto_off',
  'auto_start',
  'connect',
  'cordon',
  'create',
  'delete',
  'enqueue',
  'login',
  'open',
  'ssh',
  'stop',
  'uncordon',
  'view',
  'write',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Each action's meaning, past-tense verb (for messages) and ECS categorisation (`event.category` / `event.type`). */
export const ACTION_INFO: Readonly<
  Record<Action, { readonly verb: string; readonly meaning: string; readonly category: readonly EcsCategory[]; readonly type: readonly EcsType[]; readonly system?: true }>
> = {
  auto_off: { verb: 'turned off', meaning: 'the system turned a workspace off because it was idle', category: ['host'], type: ['end'], system: true },
  auto_start: { verb: 'started', meaning: 'the system turned a workspace on at a time its owner scheduled', category: ['host'], type: ['start'], system: true },
  connect: { verb: 'connected to', meaning: 'a user connected to an existing workspace', category: ['session'], type: ['connection', 'start'] },
  cordon: { verb: 'cordoned', meaning: 'a workspace provider stopped accepting new workspaces', category: ['configuration'], type: ['change'] },
  create: { verb: 'created', meaning: 'a user created an entity (dev URL, image or image tag, workspace, …)', category: ['configuration'], type: ['creation'] },
  delete: { verb: 'deleted', meaning: 'a user deleted an entity (workspace, image, …)', category: ['configuration'], type: ['deletion'] },
  enqueue: { verb: 'enqueued', meaning: 'a user queued a job (workspace build, user deletion, workspace deletion)', category: ['process'], type: ['creation'] },
  login: { verb: 'logged in as', meaning: 'a user logged in (basic auth or OIDC) and received a token', category: ['authentication'], type: ['start'] },
  open: { verb: 'opened', meaning: 'a user opened a workspace in an IDE through the browser', category: ['session'], type: ['access', 'start'] },
  ssh: { verb: 'opened a terminal on', meaning: 'a user opened a web terminal or an SSH session', category: ['session'], type: ['connection', 'start'] },
  stop: { verb: 'stopped', meaning: 'a user stopped a workspace by hand', category: ['host'], type: ['end'] },
  uncordon: { verb: 'uncordoned', meaning: 'a workspace provider accepts new workspaces again', category: ['configuration'], type: ['change'] },
  view: { verb: 'viewed', meaning: 'a secret was read (the CLI used a secret)', category: ['iam'], type: ['access'] },
  write: { verb: 'changed', meaning: 'a user changed an entity (workspace, user, resource pool, …)', category: ['configuration'], type: ['change'] },
};

/** ECS `event.category` values this product uses. */
export const ECS_CATEGORIES = ['authentication', 'configuration', 'host', 'iam', 'process', 'session'] as const;
export type EcsCategory = (typeof ECS_CATEGORIES)[number];

/** ECS `event.type` values this product uses. */
export const ECS_TYPES = ['access', 'change', 'connection', 'creation', 'deletion', 'end', 'start'] as const;
export type EcsType = (typeof ECS_TYPES)[number];

/** Kinds of resource an action applies to. */
export const RESOURCE_TYPES = [
  'workspace',
  'image',
  'image_tag',
  'user',
  'dev_url',
  'resource_pool',
  'workspace_provider',
  'secret',
  'job',
  'api_key',
  'organization',
  'audit_log',
  'session',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Result of an action, as ECS `event.outcome`. */
export const OUTCOMES = ['success', 'failure', 'unknown'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Who acted: a person, or the system itself (`auto_off`, `auto_start`). */
export const ACTOR_TYPES = ['user', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** Roles of the product. Only the audit roles may open Manage > Audit. */
export const ROLES = ['site_manager', 'auditor', 'member'] as const;
export type Role = (typeof ROLES)[number];
export const AUDIT_ROLES = ['site_manager', 'auditor'] as const satisfies readonly Role[];

/** ECS version the documents follow (from @elastic/ecs-helpers, as ecs-winston-format uses). */
export const ECS_VERSION: string = ecsHelpers.version;

/** Dataset and data stream naming (`type-dataset-namespace`). */
export const DATA_STREAM_TYPE = 'logs';
export const DATASET = 'audit_trail.events';
/** Dataset of the signed checkpoints producers write beside their events. */
export const CHECKPOINT_DATASET = 'audit_trail.checkpoints';
/** Name of the index template of the checkpoint data streams. */
export const CHECKPOINT_TEMPLATE_NAME = 'audit-trail-checkpoints';
export const DEFAULT_NAMESPACE = 'default';
export const INDEX_TEMPLATE_NAME = 'audit-trail';
/** Bump whenever FIELDS or template settings change: setup upgrades older installed templates. */
export const TEMPLATE_VERSION = 3;

/** OpenSearch mapping kinds used in the template. */
export const FIELD_KINDS = ['date', 'keyword', 'ip', 'long', 'flat_object', 'match_only_text'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  readonly description: string;
  /** Extra sub-fields: `wildcard` for search by part, `text` for full text. */
  readonly subfields?: readonly ('wildcard' | 'text')[];
  /** ECS field (true) or the product's custom `audit_trail.*` namespace (false). */
  readonly ecs: boolean;
}

/** Every indexed field, once. The template, README table and views are built from this list. */
export const FIELDS = [
  { name: '@timestamp', kind: 'date', ecs: true, description: 'When the action happened (the event’s own time).' },
  { name: 'message', kind: 'match_only_text', ecs: true, description: 'One readable sentence: who did what to which resource.' },
  { name: 'ecs.version', kind: 'keyword', ecs: true, description: 'ECS version of the document.' },
  { name: 'log.level', kind: 'keyword', ecs: true, description: 'winston level the event was logged at.' },
  { name: 'event.id', kind: 'keyword', ecs: true, description: 'Unique, time-ordered id (UUIDv7); also the document `_id`.' },
  { name: 'event.action', kind: 'keyword', ecs: true, description: 'The action, one of the vocabulary (reference export: `message.fields.audit_log.action`).' },
  { name: 'event.outcome', kind: 'keyword', ecs: true, description: 'success, failure or unknown.' },
  { name: 'event.reason', kind: 'keyword', ecs: true, description: 'Why the action failed, when it did.' },
  { name: 'event.kind', kind: 'keyword', ecs: true, description: 'Always `event`.' },
  { name: 'event.category', kind: 'keyword', ecs: true, description: 'ECS category derived from the action.' },
  { name: 'event.type', kind: 'keyword', ecs: true, description: 'ECS type derived from the action.' },
  { name: 'event.dataset', kind: 'keyword', ecs: true, description: 'Always `audit_trail.events`.' },
  { name: 'event.created', kind: 'date', ecs: true, description: 'When the producer built the document.' },
  { name: 'event.sequence', kind: 'long', ecs: true, description: 'Per-producer sequence number, to prove there is no gap.' },
  { name: 'user.id', kind: 'keyword', ecs: true, description: 'Id of who acted (a system actor for automatic actions).' },
  { name: 'user.name', kind: 'keyword', ecs: true, description: 'Name of who acted.', subfields: ['wildcard'] },
  { name: 'user.email', kind: 'keyword', ecs: true, description: 'E-mail of who acted.', subfields: ['wildcard'] },
  { name: 'user.roles', kind: 'keyword', ecs: true, description: 'Roles of who acted, at the time.' },
  { name: 'client.ip', kind: 'ip', ecs: true, description: 'Address the request came from.' },
  { name: 'source.ip', kind: 'ip', ecs: true, description: 'Same as client.ip (ECS convention for both).' },
  { name: 'user_agent.original', kind: 'keyword', ecs: true, description: 'User agent of the client.', subfields: ['text'] },
  { name: 'http.request.id', kind: 'keyword', ecs: true, description: 'Request id, to join with application logs.' },
  { name: 'service.name', kind: 'keyword', ecs: true, description: 'Service that produced the event.' },
  { name: 'service.version', kind: 'keyword', ecs: true, description: 'Version of that service.' },
  { name: 'service.environment', kind: 'keyword', ecs: true, description: 'Environment of that service.' },
  { name: 'host.hostname', kind: 'keyword', ecs: true, description: 'Host of the producing process.' },
  { name: 'audit_trail.actor.type', kind: 'keyword', ecs: false, description: '`user` or `system`.' },
  { name: 'audit_trail.resource.type', kind: 'keyword', ecs: false, description: 'Kind of resource, one of the vocabulary.' },
  { name: 'audit_trail.resource.id', kind: 'keyword', ecs: false, description: 'Id of the resource.' },
  { name: 'audit_trail.resource.target', kind: 'keyword', ecs: false, description: 'Friendly name of the resource (a user’s e-mail, a workspace’s name).', subfields: ['wildcard'] },
  { name: 'audit_trail.diff', kind: 'flat_object', ecs: false, description: 'What changed: `{field: {old, new}}`; secret fields carry hashes, never values.' },
  { name: 'audit_trail.details', kind: 'flat_object', ecs: false, description: 'Free-form details given by the caller.' },
  { name: 'audit_trail.producer', kind: 'keyword', ecs: false, description: 'Id of the producing transport (with event.sequence).' },
  { name: 'audit_trail.chain.link', kind: 'keyword', ecs: false, description: 'The event’s link in its producer’s hash chain: SHA-256 over `prev` and the document’s RFC 8785 canonical JSON without these two fields.' },
  { name: 'audit_trail.chain.prev', kind: 'keyword', ecs: false, description: 'The link of the producer’s event before (64 zeros for its first).' },
] as const satisfies readonly FieldSpec[];
export type FieldName = (typeof FIELDS)[number]['name'];

/** Every indexed field of the checkpoint data streams, once (their template is built from it). */
export const CHECKPOINT_FIELDS = [
  { name: '@timestamp', kind: 'date', ecs: true, description: 'When the producer made the checkpoint.' },
  { name: 'audit_trail.producer', kind: 'keyword', ecs: false, description: 'The producer whose chain the checkpoint signs.' },
  { name: 'audit_trail.checkpoint.number', kind: 'long', ecs: false, description: '1, 2, 3, … per producer; each names the digest of the one before.' },
  { name: 'audit_trail.checkpoint.sequence', kind: 'long', ecs: false, description: 'The chain head: the last sequence number given when it was made.' },
  { name: 'audit_trail.checkpoint.link', kind: 'keyword', ecs: false, description: 'The chain link after that sequence.' },
  { name: 'audit_trail.checkpoint.kind', kind: 'keyword', ecs: false, description: 'Why it was written: count, interval, close or retention.' },
  { name: 'audit_trail.checkpoint.key_id', kind: 'keyword', ecs: false, description: 'Id of the Ed25519 key that signed it.' },
] as const satisfies readonly FieldSpec[];

/** Top-level keys the document builder owns; caller metadata can never set them. */
export const RESERVED_TOP_LEVEL_KEYS = [
  ...new Set(FIELDS.map((f) => f.name.split('.')[0] as string)),
] as readonly string[];

/** A type guard for membership in one of the vocabulary's lists. */
export function memberOf<T extends string>(values: readonly T[]): (value: unknown) => value is T {
  return (value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value);
}
export const isAction = memberOf(ACTIONS);
export const isResourceType = memberOf(RESOURCE_TYPES);
export const isOutcome = memberOf(OUTCOMES);
export const isActorType = memberOf(ACTOR_TYPES);
export const isRole = memberOf(ROLES);
