// Whether one stored event's link verifies: against its own content, and against the event its producer numbered just before it.
import { chainOf, GENESIS_LINK, linkHolds } from './chain.js';

/** What one event's link says on its own (the whole chain, gaps and checkpoints are `audit-trail verify`'s). */
export type LinkVerdict =
  | { status: 'verified'; sequence: number }
  | { status: 'unchained' }
  | { status: 'altered' }
  | { status: 'predecessor-missing'; sequence: number }
  | { status: 'predecessor-differs'; sequence: number };

/** Each verdict in words, for the event page. */
export const LINK_VERDICT_TEXT: Record<LinkVerdict['status'], string> = {
  verified: 'its link verifies: its content is what its producer linked, and it follows the event its producer numbered before it',
  unchained: 'it carries no chain link: it was not written by a chaining producer, or its link was removed',
  altered: 'its link does not match its content: the event was changed after its producer wrote it',
  'predecessor-missing': 'its content matches its link, but the event its producer numbered before it is not in the index (a drop the producer stated, or a deletion: audit-trail verify tells which)',
  'predecessor-differs': 'its content matches its link, but it does not follow the stored event its producer numbered before it (that event was changed, or this one was inserted: audit-trail verify tells which)',
};

/**
 * The verdict on `source` given the stored document its producer numbered just before it (undefined when
 * there is none in the index). The first event of a producer follows the genesis link.
 */
export function linkVerdict(source: Record<string, unknown>, sequence: number | undefined, predecessor: Record<string, unknown> | undefined): LinkVerdict {
  const chain = chainOf(source);
  if (!chain || sequence === undefined) return { status: 'unchained' };
  if (!linkHolds(source, chain)) return { status: 'altered' };
  if (sequence <= 1) return chain.prev === GENESIS_LINK ? { status: 'verified', sequence } : { status: 'predecessor-differs', sequence };
  if (!predecessor) return { status: 'predecessor-missing', sequence };
  return chainOf(predecessor)?.link === chain.prev ? { status: 'verified', sequence } : { status: 'predecessor-differs', sequence };
}
