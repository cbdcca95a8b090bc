// Child process that holds a spool directory's lock until it is killed: prints `held` once the transport is open.
// Usage: tsx spool-holder.ts <spoolDir>
import { OpenSearchAuditTransport } from '../../src/transport/audit-transport.js';

const transport = new OpenSearchAuditTransport({ node: 'http://127.0.0.1:9', spoolDir: process.argv[2]! });
transport.on('warn', () => undefined);
process.stdout.write('held\n');
setInterval(() => undefined, 60_000);
