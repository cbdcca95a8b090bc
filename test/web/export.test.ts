import { expect } from '../helpers/chai.js';
import { parseQuery } from '../../src/query/syntax.js';
import { csvCell, exportFileName, neutraliseFormula } from '../../src/web/export.js';

describe('export: cells and file name', () => {
  it('neutralises formula cells and quotes CSV', () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', 'ok'].map(neutraliseFormula)).to.deep.equal(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", 'ok']);
    expect(csvCell('=HYPERLINK("x")')).to.equal('"\'=HYPERLINK(""x"")"');
    expect(csvCell('a,b')).to.equal('"a,b"');
  });
  it('names the export file after the filter and time', () => {
    expect(exportFileName(parseQuery('action:create user:"a b"'), 'csv', new Date('2026-11-24T10:15:30.123Z'))).to.equal('audit-trail_action-create_user-a_b_20261124T101530Z.csv');
    expect(exportFileName({}, 'ndjson', new Date('2026-11-24T10:15:30Z'))).to.equal('audit-trail_all_20261124T101530Z.ndjson');
  });
});
