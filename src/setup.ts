// Installs or upgrades the index template (idempotent) and creates the audit data stream.
import type { Client } from '@opensearch-project/opensearch';
import { buildIndexTemplate, buildMappingProperties, dataStreamName, INDEX_TEMPLATE_NAME } from './template.js';
import { TEMPLATE_VERSION } from './vocabulary.js';

export interface SetupResult {
  /** What happened to the template. */
  template: 'installed' | 'upgraded' | 'unchanged' | 'newer-installed';
  /** Version found before, if any. */
  previousVersion?: number;
  dataStream: string;
  dataStreamCreated: boolean;
}

export interface SetupOptions {
  /** Data stream namespace. Default: `default`. */
  namespace?: string;
  /** Create the data stream now rather than on first write. Default: true. */
  createDataStream?: boolean;
}

function statusOf(error: unknown): number | undefined {
  const meta = (error as { meta?: { statusCode?: number } } | null)?.meta;
  return meta?.statusCode;
}

/** Version of the installed template, or undefined when there is none. */
export async function installedTemplateVersion(client: Client): Promise<number | undefined> {
  try {
    const res = await client.indices.getIndexTemplate({ name: INDEX_TEMPLATE_NAME });
    const found = res.body.index_templates?.[0]?.index_template;
    const version = (found as { version?: number } | undefined)?.version;
    return typeof version === 'number' ? version : 0;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/**
 * Installs the template when missing, upgrades an older one, leaves an equal or newer one alone.
 * After an upgrade, the new mappings are added to the existing data stream's write index too.
 */
export async function setupAuditStorage(client: Client, options: SetupOptions = {}): Promise<SetupResult> {
  const stream = dataStreamName(options.namespace);
  const previous = await installedTemplateVersion(client);
  let template: SetupResult['template'];
  if (previous === undefined || previous < TEMPLATE_VERSION) {
    await client.indices.putIndexTemplate({
      name: INDEX_TEMPLATE_NAME,
      body: buildIndexTemplate() as never,
    });
    template = previous === undefined ? 'installed' : 'upgraded';
  } else {
    template = previous === TEMPLATE_VERSION ? 'unchanged' : 'newer-installed';
  }

  let dataStreamCreated = false;
  if (options.createDataStream ?? true) {
    try {
      await client.indices.createDataStream({ name: stream });
      dataStreamCreated = true;
    } catch (error) {
      const type = (error as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type;
      if (statusOf(error) !== 400 || type !== 'resource_already_exists_exception') throw error;
    }
  }
  if (template === 'upgraded' && !dataStreamCreated) {
    await client.indices.putMapping({ index: stream, body: { properties: buildMappingProperties() } as never });
  }
  const result: SetupResult = { template, dataStream: stream, dataStreamCreated };
  if (previous !== undefined) result.previousVersion = previous;
  return result;
}
