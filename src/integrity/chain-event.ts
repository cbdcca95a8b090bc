// A stored event reduced to what chain verification needs (id, sequence, time, chain fields, whether its link holds), checked fast when its text is still canonical.
import { CHAIN_KEY, chainLink, chainOf, linkHolds, type ChainFields } from './chain.js';

/** One stored event as the chain verifier sees it; the document itself is not kept. */
export interface ChainEvent {
  /** `event.id` (or the document `_id` when the event has none). */
  id: string;
  /** `event.sequence`, when it is a positive whole number. */
  sequence?: number;
  /** `@timestamp` as stored. */
  time?: string;
  /** The chain fields, when well formed. */
  chain?: ChainFields;
  /** Whether the link is SHA-256 over `prev` and the document's canonical JSON (false without chain fields). */
  selfOk: boolean;
}

/**
 * Whether a stored document's link holds, as {@link linkHolds} but fast for a document still in the form its producer sent:
 * its keys sorted and the chain fields last. Then `JSON.stringify` of the parsed document, less the chain suffix, is the
 * canonical text; when the link matches that text the document is, byte for byte, what was linked. Any other outcome is
 * decided by the full RFC 8785 canonicalisation.
 */
export function linkHoldsFast(source: Record<string, unknown>, chain: ChainFields): boolean {
  if (source[CHAIN_KEY] !== undefined) {
    const text = JSON.stringify(source);
    const suffix = `,${JSON.stringify(CHAIN_KEY)}:{"link":"${chain.link}","prev":"${chain.prev}"}}`;
    if (text.endsWith(suffix) && chainLink(chain.prev, `${text.slice(0, -suffix.length)}}`) === chain.link) return true;
  }
  try {
    return linkHolds(source, chain);
  } catch {
    return false;
  }
}

const stringAt = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The chain view of a stored document (`_source`); `fallbackId` names it when it carries no `event.id`. */
export function chainEventOf(source: Record<string, unknown>, fallbackId = '?'): ChainEvent {
  const event = source.event as { id?: unknown; sequence?: unknown } | undefined;
  const chain = chainOf(source);
  const result: ChainEvent = { id: stringAt(event?.id) ?? fallbackId, selfOk: chain ? linkHoldsFast(source, chain) : false };
  const sequence = event?.sequence;
  if (typeof sequence === 'number' && Number.isSafeInteger(sequence) && sequence > 0) result.sequence = sequence;
  const time = stringAt(source['@timestamp']);
  if (time !== undefined) result.time = time;
  if (chain) result.chain = chain;
  return result;
}
