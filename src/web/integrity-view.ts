// What the Integrity page shows per namespace: the stored report's producers (status, figures, last checkpoint, known gaps, problems with their links), the newest stored checkpoints, and the run under way.
import type { ProducerReport, VerifyProblem } from '../integrity/verify-report.js';
import type { StoredCheckpointHead } from '../query/newest-checkpoints.js';
import type { NamespaceReport } from '../query/verify-namespace.js';
import type { RunFailure, RunProgress } from './integrity-runner.js';
import type { StoredVerification } from './integrity-store.js';
import { PROBLEM_TEXT, STATUS_TEXT, formatCount, reportSummary } from './integrity-words.js';
import { timeText, visibleText } from './view-model.js';

/** What the page knows of one namespace. */
export interface NamespaceState {
  namespace: string;
  stored?: StoredVerification;
  failure?: RunFailure;
  heads: StoredCheckpointHead[];
}

type Time = ReturnType<typeof timeText>;
const range = (from: number | undefined, to: number | undefined): string =>
  from === undefined ? '' : to === undefined || to === from ? formatCount(from) : `${formatCount(from)}–${formatCount(to)}`;

/** The audit list narrowed to a producer's events in a time range (`to` is exclusive: one millisecond after the last). */
export function auditListLink(producer: string, first: string | undefined, last: string | undefined): string | undefined {
  const from = first === undefined ? NaN : Date.parse(first);
  const to = last === undefined ? from : Date.parse(last);
  if (Number.isNaN(from) || Number.isNaN(to)) return undefined;
  const search = new URLSearchParams({ producer, from: new Date(from).toISOString(), to: new Date(to + 1).toISOString() });
  return `/manage/audit?${search.toString()}`;
}

const eventLink = (id: string): { id: string; href: string } => ({ id: visibleText(id), href: `/manage/audit/events/${encodeURIComponent(id)}` });

function problemView(problem: VerifyProblem, producer: string | undefined, timeZone: string | undefined) {
  return {
    kind: problem.kind,
    meaning: PROBLEM_TEXT[problem.kind],
    sequences: range(problem.from, problem.to),
    events: formatCount(problem.events),
    first: problem.firstTime ? timeText(problem.firstTime, timeZone) : undefined,
    last: problem.lastTime && problem.lastTime !== problem.firstTime ? timeText(problem.lastTime, timeZone) : undefined,
    detail: visibleText(problem.detail),
    checkpoints: problem.checkpoints?.map(formatCount).join(', ') ?? '',
    eventIds: problem.eventIds.map(eventLink),
    moreIds: problem.eventIds.length && problem.events > problem.eventIds.length ? formatCount(problem.events - problem.eventIds.length) : '',
    listLink: producer === undefined ? undefined : auditListLink(producer, problem.firstTime, problem.lastTime),
  };
}

function checkpointText(c: { number: number; sequence: number; time: string; kind: string }, timeZone: string | undefined): { number: string; sequence: string; time: Time; kind: string } {
  return { number: formatCount(c.number), sequence: formatCount(c.sequence), time: timeText(c.time, timeZone), kind: visibleText(c.kind) };
}

function producerView(report: ProducerReport | undefined, producer: string, head: StoredCheckpointHead | undefined, timeZone: string | undefined) {
  const status = STATUS_TEXT[report?.status ?? 'unverified'];
  const tail = report?.unsignedTail;
  const last = report?.checkpoints.last;
  return {
    producer: visibleText(producer),
    status: report?.status ?? 'unverified',
    ...status,
    eventsChecked: report ? formatCount(report.eventsChecked) : '',
    sequences: report?.sequences ? range(report.sequences.first, report.sequences.last) : '',
    first: report?.time ? timeText(report.time.first, timeZone) : undefined,
    last: report?.time ? timeText(report.time.last, timeZone) : undefined,
    lastCheckpoint: last ? checkpointText(last, timeZone) : undefined,
    checkpoints: report ? `${formatCount(report.checkpoints.trusted)} of ${formatCount(report.checkpoints.stored)} trusted` : '',
    // The newest checkpoint in the cluster now, read without verification: shown when there is no report, or when it is newer than the report's.
    storedHead: head && (!last || head.number > last.number) ? checkpointText(head, timeZone) : undefined,
    knownGaps: Object.entries(report?.knownGaps.byReason ?? {}).map(([reason, events]) => ({ reason: visibleText(reason), events: formatCount(events) })),
    unsignedTail: tail && !tail.problem ? `${formatCount(tail.events)} newest ${tail.events === 1 ? 'event' : 'events'} (sequence ${range(tail.from, tail.to)}) not yet signed by a checkpoint` : '',
    problems: (report?.problems ?? []).map((p) => problemView(p, producer, timeZone)),
    problemsOmitted: report?.problemsOmitted ? formatCount(report.problemsOmitted) : '',
    listLink: report?.time ? auditListLink(producer, report.time.first, report.time.last) : undefined,
  };
}

function reportHead(report: NamespaceReport, stored: StoredVerification, timeZone: string | undefined) {
  return {
    status: report.status,
    ...STATUS_TEXT[report.status],
    summary: reportSummary(report),
    by: visibleText(stored.by),
    made: timeText(stored.finishedAt, timeZone),
    took: `${(report.tookMs / 1000).toFixed(1)} s`,
  };
}

/** One namespace's section: producers from the report and from the stored checkpoints, the events naming no producer, the run under way. */
export function namespaceView(state: NamespaceState, running: RunProgress | undefined, timeZone: string | undefined) {
  const report = state.stored?.report;
  const heads = new Map(state.heads.map((h) => [h.producer, h]));
  const names = [...new Set([...(report?.producers ?? []).map((p) => p.producer), ...heads.keys()])].sort();
  const byName = new Map((report?.producers ?? []).map((p) => [p.producer, p]));
  const position = running ? running.namespaces.indexOf(state.namespace) : -1;
  const current = running?.current === state.namespace;
  return {
    namespace: state.namespace,
    report: report && state.stored ? reportHead(report, state.stored, timeZone) : undefined,
    failure: state.failure ? { ...state.failure, by: visibleText(state.failure.by), at: timeText(state.failure.at, timeZone) } : undefined,
    progress: current && running ? { checked: formatCount(running.checked), total: formatCount(running.total), value: running.checked, max: Math.max(1, running.total) } : undefined,
    queued: running !== undefined && !current && position > running.namespaces.indexOf(running.current),
    producers: names.map((name) => producerView(byName.get(name), name, heads.get(name), timeZone)),
    unattributed: (report?.unattributed ?? []).map((p) => problemView(p, undefined, timeZone)),
  };
}
