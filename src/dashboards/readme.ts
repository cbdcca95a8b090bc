// The README's table of saved searches and the question each answers, generated from SAVED_SEARCHES.
import { SAVED_SEARCHES, savedSearchId } from './saved-searches.js';

export function savedSearchTable(): string {
  const lines = ['| saved search | question it answers | query (Lucene) |', '|---|---|---|'];
  for (const s of SAVED_SEARCHES) {
    const query = s.query === '' ? '*(every event)*' : `\`${s.query}\``;
    lines.push(`| **${s.title}** (\`${savedSearchId(s.key)}\`) | ${s.question} | ${query} |`);
  }
  return lines.join('\n');
}
