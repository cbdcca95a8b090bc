// The canonical form of a page URL: parameters without a value dropped (what a GET form sends for empty fields).

/** The URL without its empty parameters, or undefined when it has none (it is already canonical). */
export function withoutEmptyParams(url: string): string | undefined {
  const at = url.indexOf('?');
  if (at < 0) return undefined;
  const search = new URLSearchParams(url.slice(at + 1));
  const kept = [...search].filter(([, value]) => value.trim() !== '');
  if (kept.length === [...search].length) return undefined;
  const text = new URLSearchParams(kept).toString();
  return `${url.slice(0, at)}${text ? `?${text}` : ''}`;
}
