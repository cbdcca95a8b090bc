// The Index State Management policy of a namespace's events, built from its retention settings (pure): rollover by age and size, then delete after the period, attached to the data stream by its ism_template.
import { dataStreamName } from './template.js';
import { periodDays, type RetentionSettings } from './retention-settings.js';

/** Days ISM waits past the period before deleting, so the daily retention job signs its statement first (ISM is the backstop). */
export const ISM_DELETE_MARGIN_DAYS = 2;

/** The policy id of a namespace: `audit-trail-retention-<namespace>`. */
export const ismPolicyId = (namespace: string): string => `audit-trail-retention-${namespace}`;

/**
 * The policy body (PUT _plugins/_ism/policies/<id>): state `hot` rolls over at `rolloverAge` or `rolloverSize`, then moves
 * to `delete` once the index was rolled over `keep` + {@link ISM_DELETE_MARGIN_DAYS} days ago. With `keep: forever` or a
 * legal hold there is no `delete` state: indices roll over and stay. The `ism_template` names the data stream, so ISM
 * manages each backing index it creates.
 */
export function buildIsmPolicy(settings: RetentionSettings) {
  const days = periodDays(settings.keep);
  const deletes = days !== undefined && settings.hold === undefined;
  const stream = dataStreamName(settings.namespace);
  const after = deletes ? `, delete ${settings.keep} (+${ISM_DELETE_MARGIN_DAYS}d) after rollover` : settings.hold ? ', nothing deleted: legal hold' : ', kept forever';
  return {
    policy: {
      description: `audit-trail retention of ${stream}: roll over at ${settings.rolloverAge} or ${settings.rolloverSize}${after}`,
      default_state: 'hot',
      states: [
        {
          name: 'hot',
          actions: [{ rollover: { min_index_age: settings.rolloverAge, min_size: settings.rolloverSize } }],
          transitions: deletes ? [{ state_name: 'delete', conditions: { min_rollover_age: `${days + ISM_DELETE_MARGIN_DAYS}d` } }] : [],
        },
        ...(deletes ? [{ name: 'delete', actions: [{ delete: {} }], transitions: [] }] : []),
      ],
      ism_template: [{ index_patterns: [stream], priority: 100 }],
    },
  };
}

export type IsmPolicy = ReturnType<typeof buildIsmPolicy>;
