// Judging absent sequence numbers against signed gaps and checkpoint heads: accounted for, skipped while the chain stood still, or lost.
import { expect } from '../helpers/chai.js';
import { SignedStatements } from '../../src/integrity/skipped-range.js';

const L = (c: string): string => c.repeat(64);

describe('absent sequence numbers against signed statements', () => {
  it('a range the chain stood still over is unannounced; the same range with the next event naming another link is lost', () => {
    const s = new SignedStatements([], new Map());
    expect(s.judge({ from: 5, to: 6 }, L('a'), L('a'))).to.deep.include({ known: { unannounced: 2 }, knownCount: 2, lost: [], prevMismatch: false });
    expect(s.judge({ from: 5, to: 6 }, L('a'), L('b'))).to.deep.include({ knownCount: 0, lost: [{ from: 5, to: 6 }] });
  });

  it('signed gaps account for their numbers, the first stated reason winning where they overlap', () => {
    const s = new SignedStatements([{ from: 3, to: 6, reason: 'drop' }, { from: 5, to: 8, reason: 'dead_letter', link: L('c') }], new Map());
    const v = s.judge({ from: 3, to: 8 }, L('a'), L('c'));
    expect(v).to.deep.include({ known: { drop: 4, dead_letter: 2 }, knownCount: 6, lost: [], head: L('c'), prevMismatch: false });
    expect(s.gapAt(4)).to.equal('drop');
    expect(s.gapAt(9)).to.equal(undefined);
  });

  it('numbers before a stated link that changed the chain are lost unless a gap covers them; after it, skipped', () => {
    const s = new SignedStatements([{ from: 7, to: 7, reason: 'dead_letter', link: L('d') }], new Map());
    const v = s.judge({ from: 5, to: 9 }, L('a'), L('d'));
    expect(v.lost).to.deep.equal([{ from: 5, to: 6 }]);
    expect(v.known).to.deep.equal({ dead_letter: 1, unannounced: 2 });
  });

  it('a fully accounted range followed by an event naming another link is a prev mismatch, not a loss', () => {
    const s = new SignedStatements([{ from: 5, to: 5, reason: 'dead_letter', link: L('d') }], new Map([[5, { link: L('d') }]]));
    expect(s.judge({ from: 5, to: 5 }, L('a'), L('e'))).to.deep.include({ lost: [], prevMismatch: true, head: L('d') });
  });

  it('at the end of the chain (no next event) unaccounted numbers up to a checkpoint head are lost', () => {
    const s = new SignedStatements([{ from: 12, to: 12, reason: 'drop' }], new Map([[15, { link: L('f') }]]));
    expect(s.judge({ from: 11, to: 15 }, L('a'), undefined)).to.deep.include({ known: { drop: 1 }, lost: [{ from: 11, to: 11 }, { from: 13, to: 15 }] });
  });
});
