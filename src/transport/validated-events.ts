// Events the typed API has validated and described already: the transport shapes them without doing either again.
import type { AuditEvent } from '../model/event.js';

/** Each vouched-for event object, with its description. Weak: an event is forgotten with its last reference. */
const descriptions = new WeakMap<object, string>();

/**
 * Vouches for `event`, an object `validateEvent` has just returned and nobody else holds, and gives
 * its description (`describeEvent`). Logged as a winston entry's `audit`, the transport takes it as it is.
 */
export function vouchForEvent(event: AuditEvent, description: string): AuditEvent {
  descriptions.set(event, description);
  return event;
}

/** The description of a vouched-for event, or undefined for anything else (which is then validated). */
export function vouchedDescription(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? descriptions.get(value) : undefined;
}
