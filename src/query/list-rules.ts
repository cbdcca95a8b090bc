// Rules whose value is a list of strings: exact terms, terms ignoring case, IP addresses and CIDR ranges, free-text words.
import { isIP } from 'node:net';
import { QuerySyntaxError } from './syntax-error.js';
import { addToList, allOf, anyOf, intersect, searchKindOf, union, type MatchRule, type Values } from './match-rule.js';

/** The field holds one of the values, exactly. */
export const exact: MatchRule<Values> = {
  summary: 'exactly one of the values (several values: any of them)',
  negatable: true,
  patterns: false,
  add: addToList,
  format: (value) => [...value],
  combine: intersect,
  clause: (key, value) => anyOf(key.fields.map((field) => ({ terms: { [field]: [...value] } }))),
};

/** One of the fields holds one of the values, ignoring case. */
export const anyFieldIgnoringCase: MatchRule<Values> = {
  summary: 'one of the values, ignoring case (several values: any of them)',
  negatable: true,
  patterns: false,
  add: addToList,
  format: (value) => [...value],
  combine: intersect,
  clause: (key, value) => ({
    bool: { should: value.flatMap((v) => key.fields.map((field) => ({ term: { [field]: { value: v, case_insensitive: true } } }))), minimum_should_match: 1 },
  }),
};

/** `10.0.0.5`, `10.0.0.0/8`, `2001:db8::/32`: true when the text is an address or a CIDR range. */
function isAddressOrRange(text: string): boolean {
  const [address, bits, extra] = text.split('/');
  if (extra !== undefined || !address) return false;
  const version = isIP(address);
  if (!version) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

/** The address is one of the values, or in one of the CIDR ranges. */
export const cidr: MatchRule<Values> = {
  summary: 'an IP address, or a CIDR range holding it (several values: any of them)',
  negatable: true,
  patterns: false,
  add: (key, current, text, position) => {
    if (!isAddressOrRange(text)) throw new QuerySyntaxError(`'${text}' is not an IP address or a CIDR range (e.g. 203.0.113.7, 10.0.0.0/8, 2001:db8::/32)`, position);
    return addToList(key, current, text, position);
  },
  format: (value) => [...value],
  combine: intersect,
  clause: (key, value) => anyOf(key.fields.map((field) => ({ terms: { [field]: [...value] } }))),
};

/**
 * Free text: every word of each value in one of the fields (analysed fields match words in any order; exact fields
 * the whole value, ignoring case). Several values must all match.
 */
export const words: MatchRule<Values> = {
  summary: 'every word of the value, in any order (several values: all of them)',
  negatable: true,
  patterns: false,
  add: (key, current, text, position) => {
    if (!/[\p{L}\p{N}]/u.test(text)) throw new QuerySyntaxError(`'${text}' has no word to search for in ${key.label.toLowerCase()}`, position);
    return current?.includes(text) ? current : [...(current ?? []), text];
  },
  format: (value) => [...value],
  combine: union,
  clause: (key, value) =>
    allOf(
      value.map((v) =>
        anyOf(
          key.fields.map((field) =>
            searchKindOf(field) === 'text' ? { match: { [field]: { query: v, operator: 'and' } } } : { term: { [field]: { value: v, case_insensitive: true } } },
          ),
        ),
      ),
    ),
};
