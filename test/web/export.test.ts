import { expect } from '../helpers/chai.js';
import { parseQuery } from '../../src/query/syntax.js';
import { csvCell, exportFileName, neutraliseFormula } from '../../src/web/export.js';
import { visibleText } from '../../src/web/view-model.js';

describe('export: cells and file name', () => {
  describe('a formula sign is neutralised wherever a spreadsheet could start a cell', () => {
    const cases: [string, string][] = [
      ['=1+1', "'=1+1"],
      ['+1', "'+1"],
      ['-1', "'-1"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['\tx', "'\tx"],
      ['\r=x', "'\r'=x"],
      ['＝1+1', "'＝1+1"],
      ['Mozilla/5.0;=cmd|calc', "Mozilla/5.0;'=cmd|calc"],
      ['a,=b', "a,'=b"],
      ['a\t+b', "a\t'+b"],
      ['a\n-b', "a\n'-b"],
      ['a\r\n@b', "a\r\n'@b"],
      ['a;  =b', "a;  '=b"],
      ['a;b;=c;+d', "a;b;'=c;'+d"],
      ['2026-11-20T10:00:00Z', '2026-11-20T10:00:00Z'],
      ['a = b', 'a = b'],
      ['ok', 'ok'],
      ['', ''],
    ];
    for (const [cell, neutralised] of cases) {
      it(JSON.stringify(cell), () => expect(neutraliseFormula(cell)).to.equal(neutralised));
    }
  });

  describe('a cell is quoted when it holds a quote or any separator', () => {
    const cases: [string, string][] = [
      ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
      ['a,b', '"a,b"'],
      ['Mozilla/5.0;=HYPERLINK("http://evil.example")', '"Mozilla/5.0;\'=HYPERLINK(""http://evil.example"")"'],
      ['a;b', '"a;b"'],
      ['a\tb', '"a\tb"'],
      ['a\nb', '"a\nb"'],
      ['+cmd|calc', "'+cmd|calc"],
      ['plain text', 'plain text'],
      ['x\u202Etxt.exe', 'x<U+202E>txt.exe'],
      ['nul\u0000byte', 'nul<U+0000>byte'],
    ];
    for (const [value, cell] of cases) {
      it(JSON.stringify(value), () => expect(csvCell(value)).to.equal(cell));
    }
  });

  it('a cell written as it is (no work needed) is exactly what the full treatment gives, for every short mix of risky characters', () => {
    // The full treatment, spelled out: hidden characters shown, formula signs neutralised, quoted when it holds a quote or a separator.
    const full = (value: string): string => {
      const cell = neutraliseFormula(visibleText(value));
      return /[",;\t\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
    };
    const alphabet = ['a', '1', '-', '=', '+', '@', ' ', ',', ';', '"', '\t', '\r', '\n', '\u202E', '\u0000', '\uFF1D', ':'];
    let strings = [''];
    const all: string[] = [''];
    for (let length = 1; length <= 4; length++) {
      strings = strings.flatMap((s) => alphabet.map((c) => s + c));
      all.push(...strings);
    }
    const differing = all.filter((value) => csvCell(value) !== full(value));
    expect(all.length).to.be.greaterThan(80_000);
    expect(differing.map((v) => JSON.stringify(v))).to.deep.equal([]);
  });

  it('names the export file after the filter and time', () => {
    expect(exportFileName(parseQuery('action:create user:"a b"'), 'csv', new Date('2026-11-24T10:15:30.123Z'))).to.equal('audit-trail_action-create_user-a_b_20261124T101530Z.csv');
    expect(exportFileName({}, 'ndjson', new Date('2026-11-24T10:15:30Z'))).to.equal('audit-trail_all_20261124T101530Z.ndjson');
  });
});
