// Test helpers: the committed saved objects, parsed, and lookups into the index template.
import { readFileSync } from 'node:fs';
import { buildIndexTemplate } from '../../src/storage/template.js';
import { DASHBOARDS_FILE } from '../../src/dashboards/ndjson.js';

export interface ParsedObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
  migrationVersion?: Record<string, string>;
}

/** The committed NDJSON file's text. */
export function committedNdjson(): string {
  return readFileSync(new URL(`../../${DASHBOARDS_FILE}`, import.meta.url), 'utf8');
}

/** Each line of the committed file, parsed (throws, naming the line, when one does not parse). */
export function committedObjects(): ParsedObject[] {
  return committedNdjson()
    .split('\n')
    .filter((line) => line !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as ParsedObject;
      } catch (error) {
        throw new Error(`line ${i + 1} of ${DASHBOARDS_FILE} is not JSON: ${(error as Error).message}`);
      }
    });
}

type Props = Record<string, { type?: string; properties?: Props; fields?: Record<string, { type: string }> }>;

/** Every searchable name in the template's mapping (leaves and their multi-fields) with its mapping type. */
export function templateFieldTypes(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (props: Props, prefix: string) => {
    for (const [key, value] of Object.entries(props)) {
      const name = `${prefix}${key}`;
      if (value.properties) walk(value.properties, `${name}.`);
      else {
        out.set(name, value.type!);
        for (const [sub, mapping] of Object.entries(value.fields ?? {})) out.set(`${name}.${sub}`, mapping.type);
      }
    }
  };
  walk(buildIndexTemplate().template.mappings.properties as Props, '');
  return out;
}

/** Field names a Lucene query of the form `field:value` names. */
export function luceneFields(query: string): string[] {
  return [...query.matchAll(/([A-Za-z_@][\w.@]*):/g)].map((m) => m[1]!);
}

/**
 * The query Dashboards sends for a Lucene search source: `''` → match_all, anything else → `query_string`
 * decorated with the default `query:queryString:options` (`{ analyze_wildcard: true }`), as in
 * OpenSearch-Dashboards `src/plugins/data/common/opensearch_query/opensearch_query/lucene_string_to_dsl.ts`
 * and `decorate_query.ts`.
 */
export function dashboardsLuceneQuery(query: string): Record<string, unknown> {
  return query.trim() === '' ? { match_all: {} } : { query_string: { query, analyze_wildcard: true } };
}
