// Generates the README's tables (fields, actions) from the vocabulary, between marker comments.
import { ACTIONS, ACTION_INFO, FIELDS, RESOURCE_TYPES } from '../../model/vocabulary.js';
import { fieldMapping } from '../../storage/template.js';
import { savedSearchTable } from '../../dashboards/readme.js';
import { FILTER_KEYS, ruleOf } from '../../query/filter-keys.js';
import { CONNECTION_ENV, CONNECTION_ENV_HELP } from '../../storage/connection.js';
import { PROBLEM_MESSAGES } from '../../storage/opensearch-error.js';

/** The field table: name, OpenSearch type (with sub-fields), ECS or custom, meaning. */
export function fieldTable(): string {
  const lines = ['| field | type | ECS | meaning |', '|---|---|---|---|'];
  for (const field of FIELDS) {
    const mapping = fieldMapping(field);
    const sub = Object.keys((mapping.fields as Record<string, unknown> | undefined) ?? {});
    const type = sub.length ? `${field.kind} (+ ${sub.map((s) => `.${s}`).join(', ')})` : field.kind;
    lines.push(`| \`${field.name}\` | ${type} | ${field.ecs ? 'yes' : 'custom'} | ${field.description} |`);
  }
  return lines.join('\n');
}

/** The action table: action, meaning, ECS category and type. */
export function actionTable(): string {
  const lines = ['| action | meaning | event.category | event.type |', '|---|---|---|---|'];
  for (const action of ACTIONS) {
    const info = ACTION_INFO[action];
    lines.push(`| \`${action}\` | ${info.meaning} | ${info.category.join(', ')} | ${info.type.join(', ')} |`);
  }
  return lines.join('\n') + `\n\nResource types: ${RESOURCE_TYPES.map((t) => `\`${t}\``).join(', ')}.`;
}

/** The search keys of Manage > Audit: name (aliases), what it filters, fields, how values match. */
export function searchKeyTable(): string {
  const lines = ['| key | filters | fields | a value matches |', '|---|---|---|---|'];
  for (const key of FILTER_KEYS) {
    const names = [key.name, ...('aliases' in key ? key.aliases : [])].map((n) => `\`${n}:\``).join(' ');
    const values = 'values' in key ? `${ruleOf(key).summary}; one of ${key.values.map((v) => `\`${v}\``).join(', ')}` : ruleOf(key).summary;
    lines.push(`| ${names} | ${key.description} | ${key.fields.map((f) => `\`${f}\``).join(', ')} | ${values} |`);
  }
  return lines.join('\n');
}

/** The connection's environment variables and what each means. */
export function connectionTable(): string {
  const lines = ['| variable | meaning |', '|---|---|'];
  for (const [key, variable] of Object.entries(CONNECTION_ENV)) lines.push(`| \`${variable}\` | ${CONNECTION_ENV_HELP[key as keyof typeof CONNECTION_ENV]} |`);
  return lines.join('\n');
}

/** The connection errors: the message's headline and what to do (as the error says it). */
export function connectionErrorTable(): string {
  const lines = ['| error begins with | what to do |', '|---|---|'];
  for (const message of Object.values(PROBLEM_MESSAGES)) {
    const [headline, fix] = message.split(/: (.*)/s);
    lines.push(`| ${headline} | ${fix?.replace(/\b(OPENSEARCH_\w+|AWS_\w+)\b/g, '`$1`')} |`);
  }
  return lines.join('\n');
}

export const README_SECTIONS: Record<string, () => string> = {
  'search-keys': searchKeyTable,
  fields: fieldTable,
  actions: actionTable,
  'saved-searches': savedSearchTable,
  connection: connectionTable,
  'connection-errors': connectionErrorTable,
};

/** Replaces each `<!-- generated:NAME -->…<!-- /generated:NAME -->` block with fresh content. */
export function renderReadme(readme: string, sections: Record<string, () => string> = README_SECTIONS): string {
  let out = readme;
  for (const [name, render] of Object.entries(sections)) {
    const pattern = new RegExp(`(<!-- generated:${name} -->)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!pattern.test(out)) throw new Error(`README has no <!-- generated:${name} --> block`);
    out = out.replace(pattern, (_m, open: string, close: string) => `${open}\n${render()}\n${close}`);
  }
  return out;
}
