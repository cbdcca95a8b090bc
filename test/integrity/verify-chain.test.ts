// The chain classifier on synthetic producers: the clean cases (restart, drops, dead letters learnt late, windows) and each kind of tampering.
import { expect } from '../helpers/chai.js';
import { ChainProducer, keyPair, relinked, type StoredEvent } from '../helpers/chains.js';
import { chainEventOf, linkHoldsFast } from '../../src/integrity/chain-event.js';
import { chainOf, canonicalJson } from '../../src/integrity/chain.js';
import { trustCheckpoints, type TrustOptions } from '../../src/integrity/checkpoint-trust.js';
import { ChainVerifier } from '../../src/integrity/verify-chain.js';
import type { SignedCheckpoint } from '../../src/integrity/checkpoint.js';
import type { ProducerReport } from '../../src/integrity/verify-report.js';

const KEY = keyPair();
const OTHER = keyPair();

interface Run {
  events?: StoredEvent[];
  checkpoints?: SignedCheckpoint[];
  trust?: Partial<TrustOptions>;
  now?: Date;
}

/** Verifies a producer as stored (or the events and checkpoints given instead), one hour after its last event by default. */
function verify(p: ChainProducer, run: Run = {}): ProducerReport {
  const trust = trustCheckpoints(p.producer, run.checkpoints ?? p.checkpoints, { keys: [KEY.verify], ...run.trust });
  const verifier = new ChainVerifier(trust, { now: run.now ?? new Date(p.startMs + p.sequence * p.stepMs + 3600_000) });
  const events = [...(run.events ?? p.events)].sort((a, b) => a.sequence - b.sequence);
  for (const e of events) verifier.add(chainEventOf(e.source, e.id));
  return verifier.finish();
}

const kinds = (r: ProducerReport): string[] => r.problems.map((p) => p.kind);
const without = (events: StoredEvent[], ...sequences: number[]): StoredEvent[] => events.filter((e) => !sequences.includes(e.sequence));
/** A stored event changed in place (as a partial update would leave it: re-serialised, chain fields kept). */
function changed(e: StoredEvent, change: (source: Record<string, any>) => void): StoredEvent {
  const source = structuredClone(e.source) as Record<string, any>;
  change(source);
  return { ...e, source };
}
describe('chain verification of one producer', () => {
  describe('clean cases', () => {
    it('a chain with a checkpoint every 10 events is intact, with its figures', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(50, 10);
      const r = verify(p);
      expect(r.status).to.equal('intact');
      expect(r.problems).to.deep.equal([]);
      expect(r.eventsChecked).to.equal(50);
      expect(r.sequences).to.deep.equal({ first: 1, last: 50 });
      expect(r.time).to.deep.equal({ first: p.timeOf(1), last: p.timeOf(50) });
      expect(r.checkpoints).to.deep.equal({ stored: 5, trusted: 5, last: { number: 5, sequence: 50, time: p.timeOf(50), kind: 'count' } });
      expect(r.unsignedTail).to.equal(undefined);
      expect(r.knownGaps).to.deep.equal({ events: 0, byReason: {} });
    });

    it('a producer restarted after a close checkpoint, continuing the same chain, is intact', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(7, 10);
      p.checkpoint('close');
      p.run(20, 10);
      expect(verify(p).status).to.equal('intact');
    });

    it('numbers dropped before linking and announced in a signed gap are known gaps', () => {
      const p = new ChainProducer('api-1', KEY.signing).append(5).drop(2, 'memory-cap').append(3);
      p.checkpoint();
      const r = verify(p);
      expect(r.status).to.equal('intact');
      expect(r.knownGaps).to.deep.equal({ events: 2, byReason: { 'memory-cap': 2 } });
    });

    it('a dead letter learnt after the checkpoint covering it, its gap carrying the link after it, is a known gap', () => {
      const p = new ChainProducer('api-1', KEY.signing).append(4);
      const gap = p.lose(2);
      p.append(4).checkpoint();
      p.append(5).announce(gap).checkpoint();
      const r = verify(p);
      expect(r.status, JSON.stringify(r.problems)).to.equal('intact');
      expect(r.knownGaps).to.deep.equal({ events: 2, byReason: { dead_letter: 2 } });
    });

    it('numbers skipped while the chain stood still and not (yet) announced count as unannounced known gaps', () => {
      const p = new ChainProducer('api-1', KEY.signing).append(3).drop(1, 'drop', false).append(3);
      p.checkpoint();
      const r = verify(p);
      expect(r.status).to.equal('intact');
      expect(r.knownGaps.byReason).to.deep.equal({ unannounced: 1 });
    });

    it('a dead letter replayed into the index later, at the number its gap names, fits the chain', () => {
      const p = new ChainProducer('api-1', KEY.signing).append(4);
      const lost = p.lose(1);
      const replayed = new ChainProducer('api-1', KEY.signing).append(5).events[4]!;
      p.append(5).announce(lost).checkpoint();
      const r = verify(p, { events: [...p.events, replayed] });
      expect(r.status, JSON.stringify(r.problems)).to.equal('intact');
      expect(r.knownGaps.events).to.equal(0);
    });

    it('a document whose text is not canonical any more (re-serialised) still verifies by its content', () => {
      const p = new ChainProducer('api-1', KEY.signing).append(2);
      const e = p.events[1]!;
      const { ['audit_trail.chain']: chain, ...rest } = e.source;
      const reordered = { 'audit_trail.chain': chain, ...Object.fromEntries(Object.entries(rest).reverse()) };
      expect(linkHoldsFast(reordered, chainOf(e.source)!)).to.equal(true);
      expect(linkHoldsFast({ ...reordered, message: 'x' }, chainOf(e.source)!)).to.equal(false);
      expect(canonicalJson(reordered)).to.not.equal(e.json);
    });

    it('with `from`, starts at the newest trusted checkpoint made before it and needs no older events or checkpoints', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(100, 10);
      const from = new Date(Date.parse(p.timeOf(45)));
      const r = verify(p, { events: p.events.filter((e) => e.sequence >= 40), checkpoints: p.checkpoints.slice(3), trust: { from } });
      expect(r.status, JSON.stringify(r.problems)).to.equal('intact');
      expect(r.start).to.deep.equal({ sequence: 40, checkpoint: 4 });
      expect(r.eventsChecked).to.equal(61);
    });

    it('a young unsigned tail is only noted; an old one, or a producer with no checkpoint at all, is a problem', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(25, 10);
      const young = verify(p, { now: new Date(Date.parse(p.timeOf(25)) + 30_000) });
      expect(young.status).to.equal('intact-unsigned-tail');
      expect(young.unsignedTail).to.deep.include({ from: 21, to: 25, events: 5, problem: false });
      const old = verify(p);
      expect(old.status).to.equal('problems');
      expect(kinds(old)).to.deep.equal(['unsigned-tail']);
      expect(old.problems[0]).to.deep.include({ from: 21, to: 25, events: 5, lastTime: p.timeOf(25) });
      const none = verify(p, { checkpoints: [] });
      expect(none.problems[0]).to.deep.include({ kind: 'unsigned-tail', from: 1, to: 25, events: 25 });
      expect(none.problems[0]!.detail).to.include('no trusted checkpoint');
    });
  });

  describe('tampering', () => {
    it('one field changed in place (link left as it was) is modified, naming the event and its time', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(30, 10);
      const events = p.events.map((e) => (e.sequence === 12 ? changed(e, (s) => (s.user.name = 'mallory')) : e));
      const r = verify(p, { events });
      expect(kinds(r)).to.deep.equal(['modified']);
      expect(r.problems[0]).to.deep.include({ from: 12, to: 12, events: 1, eventIds: ['api-1-00000012'], firstTime: p.timeOf(12), lastTime: p.timeOf(12) });
    });

    it('one event changed and re-linked over its own prev is modified (the next event names another link)', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(30, 10);
      const events = p.events.map((e) => (e.sequence === 14 ? relinked(e, (d) => (d.event.action = 'view')) : e));
      const r = verify(p, { events });
      expect(kinds(r)).to.deep.equal(['modified']);
      expect(r.problems[0]).to.deep.include({ from: 14, to: 14, events: 1, eventIds: ['api-1-00000014'] });
    });

    it('the event at a checkpoint head changed and re-linked is modified once', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(30, 10);
      const events = p.events.map((e) => (e.sequence === 20 ? relinked(e, (d) => (d.message = 'nothing happened')) : e));
      const r = verify(p, { events });
      expect(kinds(r)).to.deep.equal(['modified']);
      expect(r.problems[0]).to.deep.include({ from: 20, to: 20, events: 1, eventIds: ['api-1-00000020'] });
    });

    it('one event deleted is missing, with its sequence and its neighbours’ time range', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(30, 10);
      const r = verify(p, { events: without(p.events, 17) });
      expect(kinds(r)).to.deep.equal(['missing']);
      expect(r.problems[0]).to.deep.include({ from: 17, to: 17, events: 1, firstTime: p.timeOf(16), lastTime: p.timeOf(18) });
      expect(r.problems[0]!.detail).to.include('api-1-00000016').and.include('api-1-00000018');
    });

    it('events deleted and the rest of the chain re-linked is modified from the last confirmed checkpoint to the next', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(30, 10);
      let prev = chainOf(p.events[13]!.source)!.link;
      const events = without(p.events, 15).map((e) => {
        if (e.sequence < 16) return e;
        const again = relinked(e, () => undefined, prev);
        prev = chainOf(again.source)!.link;
        return again;
      });
      const r = verify(p, { events });
      expect(r.status).to.equal('problems');
      expect(r.problems[0]).to.deep.include({ kind: 'modified', from: 11, to: 20, checkpoints: [2] });
      expect(r.problems.every((x) => x.kind === 'modified')).to.equal(true);
    });

    it('a forged event at an existing sequence, linked over the real prev, is forged; the genuine one is not reported', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(30, 10);
      const genuine = p.events[22]!;
      const fake = relinked(genuine, (d) => ((d.event.id = 'fake-1'), (d.user.name = 'mallory')));
      const r = verify(p, { events: [...p.events, fake] });
      expect(kinds(r)).to.deep.equal(['forged']);
      expect(r.problems[0]).to.deep.include({ from: 23, to: 23, eventIds: ['fake-1'] });
      expect(r.eventsChecked).to.equal(31);
    });

    it('a forged duplicate of the newest event, with nothing after it to tell, reports both documents', () => {
      const p = new ChainProducer('api-1', KEY.signing).append(5);
      const fake = relinked(p.events[4]!, (d) => (d.event.id = 'fake-2'));
      const r = verify(p, { events: [...p.events, fake], now: new Date(Date.parse(p.timeOf(5)) + 1000) });
      expect(kinds(r)).to.deep.equal(['forged']);
      expect(r.problems[0]!.eventIds).to.have.members(['api-1-00000005', 'fake-2']);
    });

    it('a forged event at a number its producer signed as dropped is forged', () => {
      const p = new ChainProducer('api-1', KEY.signing).append(5).drop(1).append(4);
      p.checkpoint();
      const fake = relinked(p.events[4]!, (d) => ((d.event.id = 'fake-6'), (d.event.sequence = 6)), chainOf(p.events[4]!.source)!.link);
      const r = verify(p, { events: [...p.events, { ...fake, sequence: 6 }] });
      expect(kinds(r)).to.deep.equal(['forged']);
      expect(r.problems[0]).to.deep.include({ from: 6, to: 6, eventIds: ['fake-6'] });
    });

    it('an event moved to another sequence is forged there and missing where it was', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(20, 10);
      const events = p.events.map((e) => (e.sequence === 7 ? { ...changed(e, (s) => (s.event.sequence = 9)), sequence: 9 } : e));
      const r = verify(p, { events });
      expect(r.problems.map((x) => [x.kind, x.from, x.eventIds])).to.deep.equal([['missing', 7, []], ['forged', 9, ['api-1-00000007']]]);
    });

    it('an event without chain fields is forged', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(10, 10);
      const plain: StoredEvent = { id: 'plain', sequence: 11, json: '', source: { '@timestamp': p.timeOf(11), event: { id: 'plain', sequence: 11 }, audit_trail: { producer: 'api-1' } } };
      const r = verify(p, { events: [...p.events, plain] });
      expect(kinds(r)).to.deep.equal(['forged']);
      expect(r.problems[0]).to.deep.include({ eventIds: ['plain'], from: 11 });
    });

    it('the newest events deleted are truncated up to the last checkpoint', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(30, 10);
      const r = verify(p, { events: p.events.filter((e) => e.sequence <= 26) });
      expect(kinds(r)).to.deep.equal(['truncated']);
      expect(r.problems[0]).to.deep.include({ from: 27, to: 30, events: 4, firstTime: p.timeOf(26) });
    });

    it('a checkpoint deleted in the middle is a missing checkpoint; one with a bad signature or an unknown key is reported and not trusted', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(40, 10);
      const deleted = verify(p, { checkpoints: p.checkpoints.filter((c) => c.number !== 2) });
      expect(kinds(deleted)).to.deep.equal(['missing-checkpoint']);
      expect(deleted.problems[0]).to.deep.include({ checkpoints: [2] });

      const tampered = p.checkpoints.map((c) => (c.number === 4 ? { ...c, sequence: 35 } : c));
      const bad = verify(p, { checkpoints: tampered });
      expect(kinds(bad)).to.deep.equal(['bad-signature', 'unsigned-tail']);
      expect(bad.checkpoints).to.deep.include({ stored: 4, trusted: 3 });

      const q = new ChainProducer('api-1', KEY.signing).run(30, 10);
      q.append(10).checkpoint('count', undefined, OTHER.signing);
      const unknown = verify(q);
      expect(kinds(unknown)).to.deep.equal(['unknown-key', 'unsigned-tail']);
      expect(unknown.problems[0]!.detail).to.include(OTHER.signing.keyId);
    });

    it('with anchors, the newest events deleted together with the last checkpoints are found', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(50, 10);
      const events = p.events.filter((e) => e.sequence <= 32);
      const checkpoints = p.checkpoints.slice(0, 3);
      const blind = verify(p, { events, checkpoints });
      expect(blind.status).to.equal('problems');
      expect(kinds(blind)).to.deep.equal(['unsigned-tail']);
      const anchored = verify(p, { events, checkpoints, trust: { anchors: p.checkpoints.slice(3) } });
      expect(kinds(anchored)).to.deep.equal(['missing-checkpoint', 'missing-checkpoint', 'truncated']);
      expect(anchored.problems[2]).to.deep.include({ from: 33, to: 50, events: 18 });
    });

    it('merges neighbouring problems of one kind and keeps the counts exact past the caps', () => {
      const p = new ChainProducer('api-1', KEY.signing).run(100, 100);
      const events = p.events.map((e) => (e.sequence > 10 && e.sequence <= 60 ? changed(e, (s) => (s.message = 'x')) : e));
      const r = verify(p, { events });
      expect(kinds(r)).to.deep.equal(['modified']);
      expect(r.problems[0]).to.deep.include({ from: 11, to: 60, events: 50 });
      expect(r.problems[0]!.eventIds).to.have.length(20);
      expect(r.problemCounts).to.deep.equal({ modified: 1 });
    });
  });
});
