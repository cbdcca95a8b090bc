// Whether a free-form value (details, diff, winston metadata) can be stored: JSON without cycles or BigInt, under a size limit.

/** Where in `value` JSON.stringify fails, and why, worded for the caller; undefined if nowhere is found. */
function unserialisablePart(value: unknown, path: string, seen: Set<object>): string | undefined {
  const where = path ? `"${path}"` : 'it';
  if (typeof value === 'bigint') return `${where} is a BigInt (${value}n), which JSON cannot hold: convert it to a string or a number`;
  if (value === null || typeof value !== 'object') return undefined;
  if (seen.has(value)) return `${where} refers back to an object that contains it (a circular reference), which JSON cannot hold`;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  seen.add(value);
  for (const [key, child] of Object.entries(value)) {
    const found = unserialisablePart(child, path ? `${path}.${key}` : key, seen);
    if (found) return found;
  }
  seen.delete(value);
  return undefined;
}

/**
 * What is wrong with `value` as stored JSON of at most `maxBytes` bytes (the one wording of every such
 * refusal), or undefined when it is fine. The caller names the value (`details: …`).
 */
export function jsonValueProblem(value: unknown, maxBytes: number): string | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    return `must be JSON, but ${unserialisablePart(value, '', new Set()) ?? `it cannot be serialised (${(error as Error).message})`}`;
  }
  const bytes = text === undefined ? 0 : Buffer.byteLength(text);
  return bytes > maxBytes ? `must serialise to at most ${maxBytes} bytes of JSON, got ${bytes}` : undefined;
}
