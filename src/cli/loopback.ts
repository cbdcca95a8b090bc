// Whether a host name or address stays on this machine (localhost, 127.0.0.0/8, ::1).
import { isIP } from 'node:net';

/** True for `localhost`, 127.x.x.x and ::1 (with or without URL brackets). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '::ffff:127.0.0.1';
}

/** True when every URL's host is a loopback host. */
export function allOnLoopback(urls: readonly string[]): boolean {
  return urls.every((url) => isLoopbackHost(new URL(url).hostname));
}
