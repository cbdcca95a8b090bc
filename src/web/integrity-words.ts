// The Integrity page's words: what each status and kind of problem means, and a report summed up in one sentence (shown, and given to the auditor-action hook).
import type { ProblemKind, ProducerStatus } from '../integrity/verify-report.js';
import type { NamespaceReport } from '../query/verify-namespace.js';

/** Each status as text (never colour only): a mark, a label and a class for the style. */
export const STATUS_TEXT: Record<ProducerStatus | 'unverified', { mark: string; label: string; tone: 'ok' | 'note' | 'bad' | 'none' }> = {
  intact: { mark: '✓', label: 'Intact', tone: 'ok' },
  'intact-unsigned-tail': { mark: '✓', label: 'Intact, with a young unsigned tail', tone: 'note' },
  problems: { mark: '⚠', label: 'Problems found', tone: 'bad' },
  unverified: { mark: '–', label: 'Not verified yet', tone: 'none' },
};

/** What each kind of problem means (as in the README's table). */
export const PROBLEM_TEXT: Record<ProblemKind, string> = {
  modified: 'an event changed after it was linked (its content or its link)',
  missing: 'events absent between two stored events while the chain passed through them (deleted)',
  forged: 'an event the chain does not pass through (inserted, or a second document at a sequence)',
  truncated: 'events a signed checkpoint covers, absent after the last stored one (cut from the end)',
  'unsigned-tail': 'events after the last trusted checkpoint, the newest over 60 s old',
  'missing-checkpoint': 'a checkpoint absent, or one whose "previous" digest is broken',
  'conflicting-checkpoint': 'two different validly signed checkpoints with one number',
  'bad-signature': 'a checkpoint whose signature does not verify (changed in the cluster)',
  'unknown-key': 'a checkpoint signed by a key that is not trusted here',
  'malformed-checkpoint': 'a checkpoint document whose fields cannot be read',
};

const NUMBER = new Intl.NumberFormat('en');
export const formatCount = (n: number): string => NUMBER.format(n);
const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;

/** `intact: 129 events of 3 producers checked`, or `problems: 2 (modified 1, missing 1); 128 events of 3 producers checked`. */
export function reportSummary(report: NamespaceReport): string {
  const counts = new Map<string, number>();
  for (const producer of report.producers) for (const [kind, n] of Object.entries(producer.problemCounts)) counts.set(kind, (counts.get(kind) ?? 0) + (n ?? 0));
  for (const problem of report.unattributed) counts.set(problem.kind, (counts.get(problem.kind) ?? 0) + 1);
  const checked = `${plural(report.eventsChecked, 'event')} of ${plural(report.producers.length, 'producer')} checked`;
  if (report.status !== 'problems') return `${report.status === 'intact' ? 'intact' : 'intact with a young unsigned tail'}: ${checked}`;
  const kinds = [...counts].filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${formatCount(n)}`).join(', ');
  const bad = report.producers.filter((p) => p.status === 'problems').map((p) => p.producer);
  return `problems: ${formatCount(report.problemCount)} (${kinds}) in ${bad.length ? bad.join(', ') : 'events naming no producer'}; ${checked}`;
}
