// Shaping one taken event: its document, the redact hook, and its bulk chunk serialised once; a failure is said in words.
import { describeEvent, toEcsDocument, type AuditDocument, type DocumentRedactor } from '../model/ecs-document.js';
import { ecsDocumentJson } from '../model/ecs-json.js';
import type { AuditEvent } from '../model/event.js';
import { LIMITS } from '../model/limits.js';
import { jsonValueProblem } from '../model/json-value.js';
import type { BulkChunk, BulkChunkEncoder } from './bulk-line.js';

const RESERVED_INFO_KEYS = new Set(['level', 'message', 'audit', 'timestamp', '@timestamp']);

/** What every document of one transport shares. */
export interface IntakeContext {
  service: { name?: string; version?: string; environment?: string };
  hostname: string;
  producer: string;
  redact: DocumentRedactor | undefined;
  encode: BulkChunkEncoder;
}

/** The chunk of a taken event, or why it could not be made (`redact`: the hook failed; `encode`: its result is not a document). */
export type Shaped = { chunk: BulkChunk } | { failed: 'redact' | 'encode'; message: string };

/** The caller metadata of a winston entry (every key besides the reserved ones), or undefined when there is none. */
export function entryMetadata(info: Record<string, unknown>): Record<string, unknown> | undefined {
  let meta: Record<string, unknown> | undefined;
  for (const key in info) {
    if (!RESERVED_INFO_KEYS.has(key)) (meta ??= {})[key] = info[key];
  }
  return meta;
}

/** What is wrong with caller metadata (`metadata: …`), or undefined: the same rule and words as `details`. */
export function metadataProblem(meta: Record<string, unknown> | undefined): string | undefined {
  if (meta === undefined) return undefined;
  const problem = jsonValueProblem(meta, LIMITS.metadataBytes);
  return problem && `metadata: ${problem}`;
}

/** ISO text of a time in ms, kept for the last millisecond asked (events come many per millisecond). */
let lastMs = NaN;
let lastIso = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

/**
 * Builds, redacts and serialises the event's document under `sequence`; never throws. Without a
 * redact hook, or with one that only masks free-form values, the JSON text is written straight from
 * the event (`ecsDocumentJson`); any other hook is given the document object.
 */
export function shapeEvent(
  event: AuditEvent, level: string | undefined, meta: Record<string, unknown> | undefined, message: string | undefined, sequence: number, context: IntakeContext,
): Shaped {
  const redact = context.redact;
  const freeForm = redact?.freeForm;
  if (redact === undefined || freeForm !== undefined) {
    let taken = event;
    try {
      if (freeForm !== undefined) {
        if (meta !== undefined) meta = freeForm(meta);
        const details = event.details === undefined ? undefined : freeForm(event.details);
        const diff = event.diff === undefined ? undefined : freeForm(event.diff);
        if (details !== event.details || diff !== event.diff) taken = { ...event, ...(details ? { details } : {}), ...(diff ? { diff: diff as AuditEvent['diff'] } : {}) };
      }
    } catch (error) {
      return { failed: 'redact', message: `the redact hook threw: ${(error as Error)?.message ?? String(error)}` };
    }
    // A plain literal, no spreads: this runs for every event.
    const json = ecsDocumentJson(taken, {
      created: isoNow(), message: message ?? describeEvent(event), level, service: context.service, hostname: context.hostname, producer: context.producer, sequence, meta,
    });
    return { chunk: context.encode.fromJson(event.id, json) };
  }
  const document = toEcsDocument(event, {
    ...(level === undefined ? {} : { level }),
    service: context.service, hostname: context.hostname, producer: context.producer, sequence,
    ...(meta === undefined ? {} : { meta }),
    ...(message === undefined ? {} : { message }),
  });
  let redacted: AuditDocument;
  try {
    redacted = redact(document);
  } catch (error) {
    return { failed: 'redact', message: `the redact hook threw: ${(error as Error)?.message ?? String(error)}` };
  }
  try {
    return { chunk: context.encode(redacted) };
  } catch (error) {
    return { failed: 'encode', message: `the redact hook returned what cannot be sent as a document: ${(error as Error).message}` };
  }
}
