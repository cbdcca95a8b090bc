// Size limits of an audit event: small by design; anything bigger is a bug in the caller.
export const LIMITS = {
  shortText: 256,
  email: 320,
  target: 1024,
  userAgent: 2048,
  reason: 2048,
  roles: 32,
  /** Serialised JSON size of `diff` and of `details`, each. */
  structuredBytes: 64 * 1024,
  /** Serialised JSON size of the caller metadata of a winston entry (every key besides `level`, `message` and `audit`). */
  metadataBytes: 64 * 1024,
} as const;
