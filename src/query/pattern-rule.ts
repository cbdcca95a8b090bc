// Names matched ignoring case, or by `*` patterns over the fields' terms (on the fields with a `wildcard` sub-field), within a stated cost limit.
import { QuerySyntaxError } from './syntax-error.js';
import { addToList, intersect, wildcardFieldOf, type Clause, type MatchRule, type Values } from './match-rule.js';

/** A pattern needs this many characters in a row that are not `*`: the wildcard field's index finds them, nothing else. */
export const MIN_PATTERN_RUN = 3;
/** At most this many `*` in one pattern. */
export const MAX_PATTERN_STARS = 4;

/** A value read as a literal (its `\*` and `\\` unescaped) or as a pattern (OpenSearch wildcard syntax). */
type Parsed = { literal: string } | { pattern: string; longestRun: number; stars: number };

function parse(text: string): Parsed {
  let literal = '';
  let pattern = '';
  let run = 0;
  let longestRun = 0;
  let stars = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text[i]!;
    if (c === '\\' && (text[i + 1] === '*' || text[i + 1] === '\\')) c = text[++i]!;
    else if (c === '*') {
      stars++;
      pattern += '*';
      run = 0;
      continue;
    }
    literal += c;
    pattern += /[*?\\]/.test(c) ? `\\${c}` : c;
    longestRun = Math.max(longestRun, ++run);
  }
  return stars ? { pattern, longestRun, stars } : { literal };
}

/** Writes a literal value so the rule reads it back as that literal (`*` and `\` escaped). */
export const escapePattern = (literal: string): string => literal.replace(/[\\*]/g, (c) => `\\${c}`);

/** One of the fields holds one of the values, ignoring case; a value with `*` is a pattern over the `wildcard` sub-fields. */
export const namePattern: MatchRule<Values> = {
  summary: `one of the values, ignoring case; \`*\` matches any characters (at least ${MIN_PATTERN_RUN} other characters in a row, at most ${MAX_PATTERN_STARS} \`*\`; \`\\*\` is a literal star)`,
  negatable: true,
  patterns: true,
  add: (key, current, text, position) => {
    const parsed = parse(text);
    if ('pattern' in parsed) {
      const fields = key.fields.filter((f) => wildcardFieldOf(f));
      if (!fields.length) throw new QuerySyntaxError(`'${key.name}' takes no wildcards`, position);
      if (parsed.longestRun < MIN_PATTERN_RUN) {
        throw new QuerySyntaxError(
          `the pattern '${text}' is too broad: give at least ${MIN_PATTERN_RUN} characters in a row besides '*' (e.g. ${key.name}:dev*), or leave '${key.name}' out to match every ${key.label.toLowerCase()}`,
          position,
        );
      }
      if (parsed.stars > MAX_PATTERN_STARS) throw new QuerySyntaxError(`the pattern '${text}' has more than ${MAX_PATTERN_STARS} '*'`, position);
    }
    return addToList(key, current, text, position);
  },
  format: (value) => [...value],
  // A pattern meets only the same pattern: the intersection of two different patterns is not a pattern.
  combine: intersect,
  clause: (key, value) => {
    const clauses: Clause[] = [];
    for (const v of value) {
      const parsed = parse(v);
      if ('literal' in parsed) for (const field of key.fields) clauses.push({ term: { [field]: { value: parsed.literal, case_insensitive: true } } });
      // Over the keyword field's terms, not the `wildcard` sub-field: its cost grows with the distinct names (a few
      // thousand), while the sub-field checks every candidate event (seconds for a pattern matching most of a million).
      else for (const field of key.fields.filter((f) => wildcardFieldOf(f))) clauses.push({ wildcard: { [field]: { value: parsed.pattern, case_insensitive: true } } });
    }
    return { bool: { should: clauses, minimum_should_match: 1 } };
  },
};

