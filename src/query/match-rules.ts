// Every matching rule by name: a filter key names one; each rule reads, writes, combines and queries one kind of value.
import { anyFieldIgnoringCase, cidr, exact, words } from './list-rules.js';
import { namePattern } from './pattern-rule.js';
import { before, notBefore } from './time-rules.js';
import type { MatchRule } from './match-rule.js';

export type { Clause, MatchRule, RuleContext, RuleKey } from './match-rule.js';

/** Every matching rule; a key names one of them. */
export const MATCH_RULES = { exact, anyFieldIgnoringCase, namePattern, cidr, words, notBefore, before } as const;

export type MatchRuleName = keyof typeof MATCH_RULES;
/** The value a rule holds: a list of strings, or a Date. */
export type RuleValue<R extends MatchRuleName> = (typeof MATCH_RULES)[R] extends MatchRule<infer V> ? V : never;
