// Serialising once: the ECS document of an event written straight to JSON text, without building the document object first.
import type { AuditEvent } from './event.js';
import { categoriesOf, safeMetadata } from './ecs-document.js';
import { ACTION_INFO, DATASET, ECS_VERSION } from './vocabulary.js';

const str = JSON.stringify as (value: string) => string;
const ECS = `,"ecs":{"version":${str(ECS_VERSION)}}`;

/** The constant middle of `event` per action and resource kind: `"kind":…,"category":[…],"type":[…],"dataset":…`. */
const constants = new Map<string, string>();
function eventConstants(event: AuditEvent): string {
  const key = `${event.action} ${event.resource.type === 'user'}`;
  let text = constants.get(key);
  if (text === undefined) {
    text = `,"kind":"event","category":${JSON.stringify(categoriesOf(event))},"type":${JSON.stringify(ACTION_INFO[event.action].type)},"dataset":${str(DATASET)}`;
    constants.set(key, text);
  }
  return text;
}

/** `DocumentContext`, every field present (undefined when not given), `created` as ISO text. */
export interface JsonContext {
  created: string;
  message: string;
  level: string | undefined;
  service: { name?: string; version?: string; environment?: string } | undefined;
  hostname: string | undefined;
  producer: string | undefined;
  sequence: number | undefined;
  meta: Record<string, unknown> | undefined;
}

/**
 * `JSON.stringify(toEcsDocument(event, context))`, the same text key for key (a unit test holds the
 * two equal), made without the intermediate object; `created` is the ISO text of `context.created`.
 */
export function ecsDocumentJson(event: AuditEvent, context: JsonContext): string {
  const meta = context.meta === undefined ? '' : JSON.stringify(safeMetadata(context.meta)).slice(1, -1);
  let out = `{${meta}${meta ? ',' : ''}"@timestamp":${str(event.time.toISOString())},"message":${str(context.message)}${ECS}`;
  out += `,"event":{"id":${str(event.id)},"action":${str(event.action)},"outcome":${str(event.outcome)}${eventConstants(event)},"created":${str(context.created)}`;
  if (event.reason !== undefined) out += `,"reason":${str(event.reason)}`;
  if (context.sequence !== undefined) out += `,"sequence":${context.sequence}`;
  const actor = event.actor;
  out += `},"user":{"id":${str(actor.id)},"roles":${JSON.stringify(actor.roles)}`;
  if (actor.name !== undefined) out += `,"name":${str(actor.name)}`;
  if (actor.email !== undefined) out += `,"email":${str(actor.email)}`;
  out += `},"audit_trail":{"actor":{"type":${str(actor.type)}},"resource":${JSON.stringify(event.resource)}`;
  if (event.diff !== undefined) out += `,"diff":${JSON.stringify(event.diff)}`;
  if (event.details !== undefined) out += `,"details":${JSON.stringify(event.details)}`;
  if (context.producer !== undefined) out += `,"producer":${str(context.producer)}`;
  out += '}';
  const source = event.source;
  if (source.ip !== undefined) out += `,"client":{"ip":${str(source.ip)}},"source":{"ip":${str(source.ip)}}`;
  if (source.userAgent !== undefined) out += `,"user_agent":{"original":${str(source.userAgent)}}`;
  if (source.requestId !== undefined) out += `,"http":{"request":{"id":${str(source.requestId)}}}`;
  if (context.level !== undefined) out += `,"log":{"level":${str(context.level)}}`;
  const service = context.service;
  if (service && (service.name !== undefined || service.version !== undefined || service.environment !== undefined)) {
    out += `,"service":${JSON.stringify(Object.fromEntries(Object.entries(service).filter(([, v]) => v !== undefined)))}`;
  }
  if (context.hostname !== undefined) out += `,"host":{"hostname":${str(context.hostname)}}`;
  return `${out}}`;
}
