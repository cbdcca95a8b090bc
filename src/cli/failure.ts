// Turns any error of a command into an exit code and a message that says what to do (never a secret: the context scrubs them).
import { ConfigurationError } from '../model/errors.js';
import { UnsupportedClusterError } from '../storage/cluster-version.js';
import { DashboardsImportError } from '../dashboards/import.js';
import { UserError } from '../web/auth/users.js';
import { CommandError, EXIT, UsageError } from './command.js';

interface ClientError {
  name?: string;
  message?: string;
  meta?: { statusCode?: number; body?: { error?: { type?: string; reason?: string } | string } };
}

/** The exit code and the lines to print for an error thrown by command `name`. */
export function describeFailure(error: unknown, name: string, cluster?: string): { code: number; message: string } {
  const where = cluster ? ` at ${cluster}` : '';
  if (error instanceof UsageError) return { code: EXIT.usage, message: `${error.message}\nrun 'audit-trail ${name} --help' for the usage` };
  if (error instanceof ConfigurationError) return { code: EXIT.usage, message: `configuration: ${error.message.replace(/^option /, '')}` };
  if (error instanceof CommandError || error instanceof UserError || error instanceof UnsupportedClusterError || error instanceof DashboardsImportError) return { code: EXIT.failed, message: error.message };
  const e = (error ?? {}) as ClientError;
  if (['ConnectionError', 'TimeoutError', 'NoLivingConnectionsError'].includes(e.name ?? '')) {
    return { code: EXIT.failed, message: `cannot reach OpenSearch${where} (${e.message ?? e.name}): check OPENSEARCH_URL and that the cluster runs ('audit-trail opensearch status')` };
  }
  const status = e.meta?.statusCode;
  if (status === 401 || status === 403) {
    return { code: EXIT.failed, message: `OpenSearch${where} refused the request (HTTP ${status}): check OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD or OPENSEARCH_PASSWORD_FILE, and that the user may manage index templates and data streams` };
  }
  if (status !== undefined) {
    const body = e.meta?.body?.error;
    const reason = typeof body === 'string' ? body : body ? `${body.type ?? 'error'}: ${body.reason ?? ''}` : (e.message ?? '');
    return { code: EXIT.failed, message: `OpenSearch${where} answered HTTP ${status}: ${reason}` };
  }
  if (e.name === 'LauncherError') return { code: EXIT.failed, message: e.message ?? 'the local OpenSearch node failed' };
  return { code: EXIT.failed, message: `${name} failed: ${error instanceof Error ? error.message : String(error)}` };
}
