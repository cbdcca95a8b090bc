// The role a signed-in person gets from the identity provider's claims: the strongest role their claim values map to, or none.
import { ROLES, type Role } from '../../model/vocabulary.js';

/** Strongest first: a person whose claim maps to several roles gets the first of these. */
const STRENGTH: readonly Role[] = ['site_manager', 'auditor', 'member'];

/** The claim's values (a string or a list of strings; dots reach into objects). */
export function claimValues(claims: Record<string, unknown>, path: string): string[] {
  let value: unknown = path in claims ? claims[path] : undefined;
  if (value === undefined) {
    value = claims;
    for (const part of path.split('.')) value = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The role for these claims, or undefined when no value of the claim maps to one (no access). */
export function roleFromClaims(claims: Record<string, unknown>, claim: string, map?: Readonly<Record<string, Role>>): Role | undefined {
  const roles = new Set(claimValues(claims, claim).map((v) => (map ? map[v] : (ROLES as readonly string[]).includes(v) ? (v as Role) : undefined)));
  return STRENGTH.find((role) => roles.has(role));
}
