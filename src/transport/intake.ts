// Shaping one taken event: its document, the redact hook, its chain link, and its bulk chunk serialised once; a failure is said in words.
import { describeEvent, toEcsDocument, type AuditDocument, type DocumentRedactor } from '../model/ecs-document.js';
import { linkDocument } from '../integrity/chain.js';
import { AuditValidationError, validateEvent, type AuditEvent } from '../model/event.js';
import { vouchedDescription } from './validated-events.js';
import { LIMITS } from '../model/limits.js';
import { jsonValueProblem } from '../model/json-value.js';
import type { BulkChunk, BulkChunkEncoder } from './bulk-line.js';
import { RECORD_OVERHEAD } from './queue-records.js';
import type { ResolvedTransportOptions } from './options.js';

const RESERVED_INFO_KEYS = new Set(['level', 'message', 'audit', 'timestamp', '@timestamp']);

/** A winston entry read: its event (validated), metadata and description; why it is invalid; or ignored (no `audit`). */
export type Entry =
  | { event: AuditEvent; meta: Record<string, unknown> | undefined; description: string | undefined }
  | { invalid: string; error: Error | undefined; eventId: string | undefined }
  | 'ignored';

/** Reads a winston entry: an event the typed API vouched for is validated and described already. */
export function readEntry(info: Record<string, unknown>): Entry {
  if (!info || typeof info !== 'object' || info.audit === undefined) return 'ignored';
  const description = vouchedDescription(info.audit);
  let event: AuditEvent;
  try {
    event = description === undefined ? validateEvent(info.audit) : (info.audit as AuditEvent);
  } catch (error) {
    return { invalid: error instanceof AuditValidationError ? error.message : `invalid audit event: ${String(error)}`, error: error as Error, eventId: undefined };
  }
  const meta = entryMetadata(info);
  const problem = metadataProblem(meta);
  if (problem) return { invalid: `invalid audit event: ${problem}`, error: undefined, eventId: event.id };
  return { event, meta, description };
}

/** What every document of one transport shares. */
export interface IntakeContext {
  service: { name?: string; version?: string; environment?: string };
  hostname: string;
  producer: string;
  redact: DocumentRedactor | undefined;
  encode: BulkChunkEncoder;
}

/** The chunk of a taken event and its link, or why it could not be made (`redact`: the hook failed; `encode`: its result is not a document). */
export type Shaped = { chunk: BulkChunk; link: string } | { failed: 'redact' | 'encode'; message: string };

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

/**
 * Builds, redacts and links the event's document under `sequence` after the chain head `prev`, and
 * serialises it once (its canonical JSON, which the link is taken over, with the link appended); never
 * throws. A redact hook with `freeForm` masks the free-form values alone; any other is given the document.
 */
export function shapeEvent(
  event: AuditEvent, level: string | undefined, meta: Record<string, unknown> | undefined, message: string | undefined,
  sequence: number, prev: string, context: IntakeContext,
): Shaped {
  const redact = context.redact;
  const freeForm = redact?.freeForm;
  let taken = event;
  let document: AuditDocument;
  try {
    if (freeForm !== undefined) {
      if (meta !== undefined) meta = freeForm(meta);
      const details = event.details === undefined ? undefined : freeForm(event.details);
      const diff = event.diff === undefined ? undefined : freeForm(event.diff);
      if (details !== event.details || diff !== event.diff) taken = { ...event, ...(details ? { details } : {}), ...(diff ? { diff: diff as AuditEvent['diff'] } : {}) };
    }
    // A plain literal (no conditional spreads): this runs for every event.
    document = toEcsDocument(taken, { level, service: context.service, hostname: context.hostname, producer: context.producer, sequence, meta, message: message ?? describeEvent(event) });
    if (redact !== undefined && freeForm === undefined) document = redact(document);
  } catch (error) {
    return { failed: 'redact', message: `the redact hook threw: ${(error as Error)?.message ?? String(error)}` };
  }
  try {
    const { json, link } = linkDocument(document, prev);
    return { chunk: context.encode.fromJson(document.event?.id, json), link };
  } catch (error) {
    const what = redact === undefined || freeForm !== undefined ? 'the document cannot be serialised' : 'the redact hook returned what cannot be sent as a document';
    return { failed: 'encode', message: `${what}: ${(error as Error).message}` };
  }
}

/** Why an event of `bytes` can never be held under the memory cap (with a spool: beside a segment being read back), or undefined when it can. */
export function tooBigToHold(bytes: number, opts: Pick<ResolvedTransportOptions, 'memoryCapBytes' | 'segmentBytes' | 'spoolDir'>): string | undefined {
  const spooled = opts.spoolDir !== undefined;
  if (bytes + RECORD_OVERHEAD <= opts.memoryCapBytes - (spooled ? opts.segmentBytes : 0)) return undefined;
  const cap = `memoryCapBytes ${opts.memoryCapBytes}${spooled ? ` less segmentBytes ${opts.segmentBytes}` : ''}`;
  return `event of ${bytes} bytes can never be held in memory (${cap}): make it smaller`;
}
