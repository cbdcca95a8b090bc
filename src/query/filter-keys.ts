// The filter-key table: every filter dimension once; the filter type, search syntax, query DSL, form, URL and export name derive from it.
import { ACTIONS, ACTION_INFO, OUTCOMES, RESOURCE_TYPES } from '../model/vocabulary.js';
import { MATCH_RULES, type MatchRule, type MatchRuleName, type RuleKey, type RuleValue } from './match-rules.js';

/** One filter dimension. */
export interface FilterKeySpec extends RuleKey {
  /** Name in the search syntax (`name:value`), the URL parameter and the form control. */
  readonly name: string;
  /** Other names the search syntax accepts. */
  readonly aliases?: readonly string[];
  /** The AuditFilter property holding the key's value. */
  readonly property: string;
  /** How values match documents. */
  readonly rule: MatchRuleName;
  /** The key in words: the form label, and the prefix of messages about it. */
  readonly label: string;
  /** Added to the form label in brackets. */
  readonly hint?: string;
  /** Example shown in an empty form control. */
  readonly placeholder?: string;
  /** Shown under "More filters" in the form. */
  readonly secondary?: boolean;
  /** What each allowed value means, shown beside it in the form. */
  readonly meanings?: Readonly<Record<string, { readonly meaning: string }>>;
  /** What the property filters, for readers of the AuditFilter type. */
  readonly description: string;
}

/** Every filter key, in the order the syntax writes them and the form shows them. */
export const FILTER_KEYS = [
  {
    name: 'action', property: 'actions', rule: 'exact', fields: ['event.action'], values: ACTIONS, meanings: ACTION_INFO, label: 'Action',
    description: 'Actions, any of them.',
  },
  {
    name: 'resource_type', aliases: ['type'], property: 'resourceTypes', rule: 'exact', fields: ['audit_trail.resource.type'], values: RESOURCE_TYPES,
    label: 'Resource type', description: 'Kinds of resource, any of them.',
  },
  { name: 'outcome', property: 'outcomes', rule: 'exact', fields: ['event.outcome'], values: OUTCOMES, label: 'Outcome', description: 'Outcomes, any of them.' },
  {
    name: 'target', property: 'targets', rule: 'namePattern', fields: ['audit_trail.resource.target'], label: 'Target', placeholder: 'alice-dev or dev*',
    description: 'Resource targets (friendly names), exact and case-insensitive, or `*` patterns.',
  },
  {
    name: 'user', property: 'users', rule: 'namePattern', fields: ['user.id', 'user.name', 'user.email'], label: 'User', placeholder: 'alice or *@example.com',
    description: 'Who acted: matches user id, name or e-mail, exact and case-insensitive; `*` patterns match name or e-mail.',
  },
  {
    name: 'from', property: 'from', rule: 'notBefore', fields: ['@timestamp'], label: 'From', hint: 'UTC', placeholder: '2026-11-01 or now-7d',
    description: 'Inclusive lower bound on the event time.',
  },
  {
    name: 'to', property: 'to', rule: 'before', fields: ['@timestamp'], label: 'To', hint: 'UTC, through that day', placeholder: '2026-11-24 or now-1h',
    description: 'Exclusive upper bound on the event time.',
  },
  {
    name: 'text', property: 'text', rule: 'words', fields: ['message', 'user.id', 'user.email'], label: 'Text', secondary: true, placeholder: 'alice workspace',
    description: 'Free text: every word in the message (who, what, which resource and target), or a whole user id or e-mail.',
  },
  {
    name: 'ip', property: 'ips', rule: 'cidr', fields: ['source.ip'], label: 'Source IP', hint: 'or CIDR', secondary: true, placeholder: '10.0.0.0/8',
    description: 'Client addresses, or CIDR ranges holding them.',
  },
  { name: 'resource_id', property: 'resourceIds', rule: 'exact', fields: ['audit_trail.resource.id'], label: 'Resource id', secondary: true, description: 'Resource ids, exact.' },
  { name: 'request_id', property: 'requestIds', rule: 'exact', fields: ['http.request.id'], label: 'Request id', secondary: true, description: 'Request ids, exact.' },
  {
    name: 'user_agent', property: 'userAgents', rule: 'words', fields: ['user_agent.original.text'], label: 'User agent', secondary: true, placeholder: 'Firefox',
    description: 'Words of the client user agent.',
  },
  { name: 'reason', property: 'reasons', rule: 'anyFieldIgnoringCase', fields: ['event.reason'], label: 'Reason', secondary: true, description: 'Why an action failed, case-insensitive.' },
  { name: 'service', property: 'services', rule: 'anyFieldIgnoringCase', fields: ['service.name'], label: 'Service', secondary: true, description: 'Service that produced the event, case-insensitive.' },
  { name: 'producer', property: 'producers', rule: 'exact', fields: ['audit_trail.producer'], label: 'Producer', secondary: true, description: 'Id of the producing transport, exact.' },
] as const satisfies readonly FilterKeySpec[];

export type FilterKey = (typeof FILTER_KEYS)[number];
/** A key's name in the search syntax and the URL. */
export type FilterKeyName = FilterKey['name'];

/** A key's value in the filter: the vocabulary's words for a closed list, else what its rule holds. */
type ValueOf<K extends FilterKey> = K extends { values: readonly (infer V)[] } ? readonly V[] : RuleValue<K['rule']>;

/** One optional property per filter key (see each key's `description` in FILTER_KEYS). */
export type KeyFilter = { [K in FilterKey as K['property']]?: ValueOf<K> };

/**
 * What to narrow a listing to: one optional property per filter key, and `not`: events to leave out.
 * Several values of one key mean OR (free text: AND); keys combine with AND; each key under `not` excludes its matches.
 */
export type AuditFilter = KeyFilter & { not?: KeyFilter };

/** The key of a name or alias in the search syntax (any case), if there is one. */
export function filterKeyNamed(name: string): FilterKey | undefined {
  const lower = name.toLowerCase();
  return FILTER_KEYS.find((key) => key.name === lower || ('aliases' in key && (key.aliases as readonly string[]).includes(lower)));
}

/** The rule of a key, typed for values of any kind (each rule checks its own values). */
export function ruleOf(key: FilterKey): MatchRule<unknown> {
  return MATCH_RULES[key.rule] as MatchRule<unknown>;
}

/** A key's value in a filter. */
export function valueOf(filter: KeyFilter, key: FilterKey): unknown {
  return (filter as Record<string, unknown>)[key.property];
}
