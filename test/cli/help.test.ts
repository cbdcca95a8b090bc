// `audit-trail --help` and each command's --help; unknown commands and options are usage errors (exit 2).
import { expect } from '../helpers/chai.js';
import { runCli } from './run-cli.js';

const COMMANDS = ['setup', 'serve', 'users', 'dashboards', 'demo', 'opensearch', 'verify'];

describe('audit-trail help and usage errors', function () {
  this.timeout(60_000);

  it('prints the overview with every command and the exit codes (exit 0)', async () => {
    const r = await runCli(['--help']);
    expect(r.code).to.equal(0);
    for (const name of COMMANDS) expect(r.stdout).to.match(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(r.stdout).to.include('Exit codes: 0 ok, 1 failed, 2 usage or configuration error');
  });

  it('prints the overview on stderr with exit 2 when no command is given, and refuses an unknown command', async () => {
    expect(await runCli([])).to.include({ code: 2 }).and.have.property('stderr').that.includes('usage: audit-trail <command>');
    const r = await runCli(['frobnicate']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("unknown command 'frobnicate'");
  });

  for (const name of COMMANDS) {
    it(`${name} --help: usage, options and exit codes (exit 0, nothing else done)`, async () => {
      const r = await runCli([name, '--help'], { env: { PATH: process.env.PATH ?? '' } });
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`^usage: audit-trail ${name}`));
      expect(r.stdout).to.include('Exit codes: 0').and.include('--config FILE');
    });
  }

  it('an unknown option is a usage error naming it (exit 2)', async () => {
    const r = await runCli(['setup', '--nmespace', 'x']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("Unknown option '--nmespace'").and.include("run 'audit-trail setup --help'");
  });
});
