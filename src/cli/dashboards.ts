// `audit-trail dashboards import [--url URL]`: posts the generated saved objects (dashboards/audit-trail.ndjson) to OpenSearch Dashboards.
import { readFile } from 'node:fs/promises';
import { DASHBOARDS_FILE } from '../dashboards/ndjson.js';
import { importSavedObjects } from '../dashboards/import.js';
import { COMMON_HELP, EXIT, UsageError, parse, type CliContext, type Command } from './command.js';
import { DASHBOARDS_ENV, effectiveEnvironment } from './config.js';

/** The package's root (src/cli/ and dist/cli/ are both two levels down), where the generated file lives. */
const root = new URL('../../', import.meta.url);

const HELP = `usage: audit-trail dashboards import [--url URL]

Imports the saved objects (index pattern, saved searches, visualizations, the Audit trail
dashboard) into OpenSearch Dashboards 2.x, overwriting earlier copies (ids are stable).
Calls POST <URL>/api/saved_objects/_import?overwrite=true.

Options:
  --url URL   Dashboards base URL (with its base path if any); default ${DASHBOARDS_ENV}.
              Credentials may go in the URL (https://user:password@host:5601); they are sent as
              basic auth and never printed.
${COMMON_HELP}

Exit codes: 0 imported, 1 Dashboards unreachable or refused some objects, 2 usage or configuration error`;

/** Strips user:password from a URL so it can be shown. */
function shownUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/** Imports the package's file into the Dashboards at `url`; logs what happened. */
export async function importDashboardsFile(url: string, log: (line: string) => void = console.log): Promise<void> {
  const ndjson = await readFile(new URL(DASHBOARDS_FILE, root), 'utf8');
  const shown = shownUrl(url);
  log(`[dashboards] importing ${DASHBOARDS_FILE} into ${shown}…`);
  const result = await importSavedObjects({ url, ndjson });
  log(`[dashboards] imported ${result.successCount} saved objects (existing ones overwritten); open ${shown}/app/dashboards`);
}

export const dashboardsCommand: Command = {
  name: 'dashboards',
  summary: 'import the saved objects (dashboard, searches, visualizations) into OpenSearch Dashboards',
  help: HELP,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values, positionals } = parse(args, { url: { type: 'string' } });
    const [action, ...rest] = positionals;
    if (action !== 'import') throw new UsageError(action ? `unknown action '${action}': use 'dashboards import'` : "give the action: 'dashboards import'");
    if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}' (give the URL with --url)`);
    const env = effectiveEnvironment(ctx, values.config);
    const url = values.url ?? env[DASHBOARDS_ENV];
    if (values.url) {
      try {
        const password = new URL(values.url).password;
        if (password) ctx.secrets.add(password).add(decodeURIComponent(password));
      } catch {
        // importSavedObjects names the bad URL
      }
    }
    if (!url) throw new UsageError(`give the Dashboards URL: --url http://localhost:5601 or ${DASHBOARDS_ENV}`);
    await importDashboardsFile(url, ctx.err);
    ctx.out('imported');
    return EXIT.ok;
  },
};
