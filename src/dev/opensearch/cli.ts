// The local OpenSearch node's command line: `npm run opensearch -- start|stop|status`.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { LauncherError, nodeStatus, startNode, stopNode } from './launcher.js';

const USAGE = `usage: npm run opensearch -- <start|stop|status> [--name default] [--port 9200] [--heap 512m]
  start   start (or reuse) the node and print its URL; it keeps running after this command exits
  stop    stop the node
  status  print whether it runs (exit 0) or not (exit 3)`;

async function cli(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true,
    options: { name: { type: 'string' }, port: { type: 'string' }, heap: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  const [command, ...extra] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!command || extra.length) throw new LauncherError(USAGE);
  const name = values.name ?? 'default';
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port <= 65435)) throw new LauncherError(`--port ${values.port} is not a valid port`);
  switch (command) {
    case 'start':
      console.log((await startNode({ name, port, heap: values.heap })).url);
      return 0;
    case 'stop':
      console.error(`[opensearch] ${(await stopNode(name)) ? `stopped node '${name}'` : `node '${name}' was not running`}`);
      return 0;
    case 'status': {
      const s = await nodeStatus(name);
      console.log(s.running ? `node '${name}' runs at ${s.url} (pid ${s.pid})` : `node '${name}' is not running${s.pid ? ` (pid ${s.pid} alive but not answering)` : ''}`);
      return s.running ? 0 : 3;
    }
    default:
      throw new LauncherError(`unknown command '${command}'\n${USAGE}`);
  }
}

function isMain(): boolean {
  try {
    return !!process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  process.once('beforeExit', () => {
    console.error('[opensearch] internal error: the command ended without a result');
    process.exit(1);
  });
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`[opensearch] ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
