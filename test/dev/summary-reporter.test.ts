// The suite's totals reporter: a failed hook's hidden tests count as failed, and a run that dies leaves no summary.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from '../helpers/chai.js';

const reporter = fileURLToPath(new URL('../fixtures/summary-reporter.cjs', import.meta.url));
const mocha = fileURLToPath(new URL('../../node_modules/mocha/bin/mocha.js', import.meta.url));

/** Runs mocha with the reporter on one spec file in a fresh folder; returns the folder. */
async function runSpec(spec: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'reporter-'));
  writeFileSync(join(dir, 'case.test.cjs'), spec);
  await promisify(execFile)(process.execPath, [mocha, '--no-config', '--reporter', reporter, 'case.test.cjs'], { cwd: dir }).catch(() => undefined);
  return dir;
}

describe('totals reporter', () => {
  it('counts the tests a failed before() hook kept from running as failed', async () => {
    const dir = await runSpec(`
      describe('a', () => { before(() => { throw new Error('boom'); }); it('one', () => {}); it('two', () => {}); });
      describe('b', () => { it('three', () => {}); it.skip('four', () => {}); });`);
    const summary = JSON.parse(readFileSync(join(dir, 'test-output', 'summary.json'), 'utf8'));
    expect(summary).to.include({ planned: 4, passed: 1, failedHooks: 1, notRun: 2, failed: 3, skipped: 1, finished: true });
  });

  it('writes no summary when the run dies, only the progress so far', async () => {
    const dir = await runSpec(`
      describe('a', () => { it('one', () => {}); it('dies', () => { process.exit(7); }); });`);
    expect(existsSync(join(dir, 'test-output', 'summary.json'))).to.equal(false);
    expect(JSON.parse(readFileSync(join(dir, 'test-output', 'progress.json'), 'utf8'))).to.include({ passed: 1, finished: false });
  });
});
