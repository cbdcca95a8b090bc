// The human text of a verification report: one block per producer (status, figures, last checkpoint, each problem), and a final line.
import type { NamespaceReport } from '../query/verify-namespace.js';
import type { ProducerReport, VerifyProblem } from '../integrity/verify-report.js';

const STATUS: Record<ProducerReport['status'], string> = {
  intact: 'intact',
  'intact-unsigned-tail': 'intact (newest events not yet signed)',
  problems: 'PROBLEMS',
};

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

function sequenceText(p: VerifyProblem): string {
  if (p.from === undefined) return '';
  return p.to === undefined || p.to === p.from ? `sequence ${p.from}` : `sequences ${p.from}–${p.to}`;
}

function problemLines(p: VerifyProblem): string[] {
  const where = [sequenceText(p), p.checkpoints?.length ? `checkpoint${p.checkpoints.length > 1 ? 's' : ''} ${p.checkpoints.join(', ')}` : ''].filter(Boolean).join(', ');
  const lines = [`  ${p.kind}${where ? ` (${where})` : ''}: ${p.detail}`];
  if (p.eventIds.length) lines.push(`    events: ${p.eventIds.join(', ')}${p.events > p.eventIds.length ? ` and ${plural(p.events - p.eventIds.length, 'more')}` : ''}`);
  if (p.firstTime !== undefined || p.lastTime !== undefined) lines.push(`    time: ${p.firstTime ?? '?'} – ${p.lastTime ?? '?'}`);
  return lines;
}

/** The lines of one producer's block. */
export function producerBlock(r: ProducerReport): string[] {
  const lines = [`${r.producer}: ${STATUS[r.status]}`];
  const seq = r.sequences ? `, sequences ${r.sequences.first}–${r.sequences.last}` : '';
  const time = r.time ? `, ${r.time.first} – ${r.time.last}` : '';
  const start = r.start.checkpoint !== undefined ? ` (from checkpoint ${r.start.checkpoint} at sequence ${r.start.sequence})` : '';
  lines.push(`  ${plural(r.eventsChecked, 'event')}${seq}${time}${start}`);
  const removed = r.removedByRetention;
  if (removed) lines.push(`  removed by retention: sequences 1–${removed.through} (retention statement ${removed.checkpoint}, ${removed.time}); verified from there`);
  const last = r.checkpoints.last;
  lines.push(last
    ? `  last checkpoint ${last.number} at sequence ${last.sequence} (${last.time}, ${last.kind}); ${r.checkpoints.trusted} trusted, ${r.checkpoints.stored} in the cluster`
    : `  no trusted checkpoint (${r.checkpoints.stored} in the cluster)`);
  if (r.knownGaps.events > 0) {
    lines.push(`  known gaps: ${plural(r.knownGaps.events, 'event')} (${Object.entries(r.knownGaps.byReason).map(([reason, n]) => `${reason} ${n}`).join(', ')})`);
  }
  if (r.unsignedTail && !r.unsignedTail.problem) {
    lines.push(`  unsigned tail: ${plural(r.unsignedTail.events, 'event')} after the last checkpoint (sequences ${r.unsignedTail.from}–${r.unsignedTail.to}), newest ${r.unsignedTail.newestTime ?? '?'}: within the grace period`);
  }
  for (const p of r.problems) lines.push(...problemLines(p));
  if (r.problemsOmitted > 0) lines.push(`  … and ${plural(r.problemsOmitted, 'more problem')} (counts: ${JSON.stringify(r.problemCounts)})`);
  return lines;
}

/** The whole text: a heading, the blocks, problems with no producer, and the final line. */
export function reportText(report: NamespaceReport, stream: string): string[] {
  const window = report.from || report.to ? ` window ${report.from ?? 'start'} – ${report.to ?? 'end'},` : '';
  const lines = [`verifying ${stream}:${window} ${plural(report.producers.length, 'producer')}, ${plural(report.eventsChecked, 'event')}`, ''];
  for (const r of report.producers) lines.push(...producerBlock(r), '');
  if (report.unattributed.length) {
    lines.push('without a producer:');
    for (const p of report.unattributed) lines.push(...problemLines(p));
    lines.push('');
  }
  const seconds = (report.tookMs / 1000).toFixed(1);
  const troubled = report.producers.filter((r) => r.status === 'problems').length;
  const final =
    report.status === 'problems'
      ? `PROBLEMS: ${plural(report.problemCount, 'problem')} in ${troubled} of ${plural(report.producers.length, 'producer')}${report.unattributed.length ? ' and in documents naming none' : ''}`
      : report.status === 'intact-unsigned-tail'
        ? 'INTACT: every chain and checkpoint holds; the newest events of some producers are not signed yet (within the grace period)'
        : `INTACT: every chain and checkpoint holds`;
  lines.push(`${final} (${plural(report.eventsChecked, 'event')} checked in ${seconds} s)`);
  return lines;
}
