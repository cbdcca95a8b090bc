import { expect } from '../helpers/chai.js';
import { TailReads, type NewerRows } from '../../src/web/tail-reads.js';
import type { AuditRow } from '../../src/model/row.js';
import type { Cursor } from '../../src/query/list.js';

/** Stored events at t = 1…10 s (ids e1…e10); a read returns those after the cursor, newest first, as listNewer does. */
const stored = Array.from({ length: 10 }, (_, i) => ({ time: new Date((i + 1) * 1000), id: `e${i + 1}` }) as AuditRow);
function reader(log: Cursor[], batch = 100) {
  return async (since: Cursor): Promise<NewerRows> => {
    log.push(since);
    const after = stored.filter((row) => row.time.getTime() > since[0] || (row.time.getTime() === since[0] && row.id > since[1]));
    return { rows: after.slice(0, batch).reverse(), more: after.length > batch };
  };
}
const ids = (result: NewerRows) => result.rows.map((row) => row.id);

describe('live tails of one filter share their reads of new events', () => {
  let clock = 0;
  const reads = () => new TailReads(1000, () => clock);
  beforeEach(() => (clock = 0));

  it('five tails asking within the reuse window make one search, and each gets only what is after its own cursor', async () => {
    const log: Cursor[] = [];
    const shared = reads();
    const read = reader(log);
    const first = await shared.newer('all', [3000, 'e3'], read);
    clock = 400;
    const cursors: Cursor[] = [[5000, 'e5'], [3000, 'e3'], [9000, 'e9'], [10_000, 'e10']];
    const others = await Promise.all(cursors.map((c) => shared.newer('all', c, read)));
    expect(log).to.deep.equal([[3000, 'e3']]);
    expect(ids(first)).to.deep.equal(['e10', 'e9', 'e8', 'e7', 'e6', 'e5', 'e4']);
    expect(others.map(ids)).to.deep.equal([['e10', 'e9', 'e8', 'e7', 'e6'], ['e10', 'e9', 'e8', 'e7', 'e6', 'e5', 'e4'], ['e10'], []]);
  });

  it('searches again once the window has passed, for a cursor before the shared search, and for another filter', async () => {
    const log: Cursor[] = [];
    const shared = reads();
    const read = reader(log);
    await shared.newer('all', [5000, 'e5'], read);
    await shared.newer('all', [2000, 'e2'], read); // before the shared search's cursor: it cannot hold e3…e5
    await shared.newer('failures', [5000, 'e5'], read);
    clock = 1000;
    await shared.newer('all', [5000, 'e5'], read);
    expect(log).to.deep.equal([[5000, 'e5'], [2000, 'e2'], [5000, 'e5'], [5000, 'e5']]);
  });

  it('passes on that more events follow a full batch', async () => {
    const shared = reads();
    const read = reader([], 3);
    const result = await shared.newer('all', [0, ''], read);
    expect(ids(result)).to.deep.equal(['e3', 'e2', 'e1']);
    expect(result.more).to.equal(true);
    expect((await shared.newer('all', [2000, 'e2'], read)).more).to.equal(true);
  });

  it('never reuses a failed search', async () => {
    const log: Cursor[] = [];
    const shared = reads();
    const good = reader(log);
    const failing = async (since: Cursor): Promise<NewerRows> => {
      log.push(since);
      throw new Error('OpenSearch away');
    };
    await expect(shared.newer('all', [1000, 'e1'], failing)).to.be.rejectedWith('OpenSearch away');
    expect(ids(await shared.newer('all', [1000, 'e1'], good))).to.have.length(9);
    expect(log).to.have.length(2);
  });
});
