// Retention settings per namespace (period, rollover thresholds, legal hold), kept in the cluster so every serve and command line sees the same: one document per namespace in `audit-trail-retention`.
import type { Client } from '@opensearch-project/opensearch';
import { ConfigurationError } from '../model/errors.js';
import { isMissingIndexError } from './opensearch-error.js';

/** The index holding one settings document per namespace (`_id` = namespace). */
export const RETENTION_SETTINGS_INDEX = 'audit-trail-retention';

/** Every option of a namespace's retention, with its default. */
export const RETENTION_DEFAULTS = {
  /** How long events are kept after the newest event of their backing index: `90d`, `12w`, or `forever`. Default `forever`. */
  keep: 'forever',
  /** Roll the data stream over once its write index is this old (since created). Default `7d`. */
  rolloverAge: '7d',
  /** …or once its primary store is this large. Default `10gb`. */
  rolloverSize: '10gb',
} as const;

const PERIOD = /^([1-9][0-9]{0,4})([dw])$/;
const SIZE = /^([1-9][0-9]{0,5})(mb|gb|tb)$/;
const DAY_MS = 86_400_000;
const UNIT_DAYS = { d: 1, w: 7 } as const;
const UNIT_BYTES = { mb: 2 ** 20, gb: 2 ** 30, tb: 2 ** 40 } as const;

/** A legal hold: while set, nothing of the namespace is deleted, by either mechanism. */
export interface LegalHold {
  reason: string;
  /** ISO time the hold was placed, and by whom (the OS user of the command line). */
  since: string;
  by: string;
}

export interface RetentionSettings {
  namespace: string;
  keep: string;
  rolloverAge: string;
  rolloverSize: string;
  hold?: LegalHold;
  /** ISO time of the last change, when the namespace has a settings document. */
  updated?: string;
}

/** Days of a period (`90d`, `12w`), or undefined for `forever`; anything else is a ConfigurationError naming the option. */
export function periodDays(value: string, option = 'keep'): number | undefined {
  if (value === 'forever') return undefined;
  const m = PERIOD.exec(value);
  if (!m) throw new ConfigurationError(option, `is ${JSON.stringify(value)}: give days or weeks (90d, 12w), or forever`);
  return Number(m[1]) * UNIT_DAYS[m[2] as keyof typeof UNIT_DAYS];
}

/** The period in ms (undefined: forever). */
export const periodMs = (value: string, option = 'keep'): number | undefined => {
  const days = periodDays(value, option);
  return days === undefined ? undefined : days * DAY_MS;
};

/** Bytes of a size (`10gb`); anything else is a ConfigurationError naming the option. */
export function sizeBytes(value: string, option = 'rolloverSize'): number {
  const m = SIZE.exec(value);
  if (!m) throw new ConfigurationError(option, `is ${JSON.stringify(value)}: give a size in mb, gb or tb (10gb)`);
  return Number(m[1]) * UNIT_BYTES[m[2] as keyof typeof UNIT_BYTES];
}

/** Settings checked: each option valid (`rolloverAge` may not be `forever`). */
export function checkRetentionSettings(settings: RetentionSettings): RetentionSettings {
  periodDays(settings.keep, 'keep');
  if (periodDays(settings.rolloverAge, 'rolloverAge') === undefined) throw new ConfigurationError('rolloverAge', 'may not be forever: give days or weeks (7d)');
  sizeBytes(settings.rolloverSize, 'rolloverSize');
  return settings;
}

interface Stored {
  namespace?: string;
  keep?: string;
  rollover_age?: string;
  rollover_size?: string;
  hold?: LegalHold | null;
  updated?: string;
}

function fromStored(namespace: string, s: Stored | undefined): RetentionSettings {
  const settings: RetentionSettings = {
    namespace,
    keep: s?.keep ?? RETENTION_DEFAULTS.keep,
    rolloverAge: s?.rollover_age ?? RETENTION_DEFAULTS.rolloverAge,
    rolloverSize: s?.rollover_size ?? RETENTION_DEFAULTS.rolloverSize,
    ...(s?.hold ? { hold: s.hold } : {}),
    ...(s?.updated ? { updated: s.updated } : {}),
  };
  return settings;
}

/** A namespace's settings: the stored ones, defaults for what is not stored. */
export async function readRetentionSettings(client: Client, namespace: string): Promise<RetentionSettings> {
  try {
    const res = await client.get({ index: RETENTION_SETTINGS_INDEX, id: namespace });
    return fromStored(namespace, (res.body as { _source?: Stored })._source);
  } catch (error) {
    if (isMissingIndexError(error)) return fromStored(namespace, undefined);
    throw error;
  }
}

/** Every namespace that has stored settings, by name. */
export async function listRetentionSettings(client: Client): Promise<RetentionSettings[]> {
  try {
    const res = await client.search({ index: RETENTION_SETTINGS_INDEX, body: { size: 1000, query: { match_all: {} } } as never });
    const hits = (res.body.hits.hits ?? []) as { _id: string; _source?: Stored }[];
    return hits.map((h) => fromStored(h._id, h._source)).sort((a, b) => (a.namespace < b.namespace ? -1 : 1));
  } catch (error) {
    if (isMissingIndexError(error)) return [];
    throw error;
  }
}

/** Stores a namespace's settings (checked first), replacing what was there; visible to the next read at once. */
export async function writeRetentionSettings(client: Client, settings: RetentionSettings, now = new Date()): Promise<RetentionSettings> {
  checkRetentionSettings(settings);
  const stored: Stored = { namespace: settings.namespace, keep: settings.keep, rollover_age: settings.rolloverAge, rollover_size: settings.rolloverSize, hold: settings.hold ?? null, updated: now.toISOString() };
  await client.index({ index: RETENTION_SETTINGS_INDEX, id: settings.namespace, body: stored as never, refresh: true } as never);
  return fromStored(settings.namespace, stored);
}
