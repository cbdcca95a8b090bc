// Copies the runnable examples (examples/*.ts, executed by the tests) into the README between marker comments.
import { readFileSync } from 'node:fs';

const BLOCK = /(<!-- example:([\w./-]+) -->)[\s\S]*?(<!-- \/example:\2 -->)/g;

/** The example files the README quotes, in order. */
export function quotedExamples(readme: string): string[] {
  return [...readme.matchAll(BLOCK)].map((m) => m[2] as string);
}

/** Replaces each `<!-- example:PATH -->…<!-- /example:PATH -->` block with the file's current content. */
export function renderExamples(readme: string, root: URL): string {
  return readme.replace(BLOCK, (_m, open: string, path: string, close: string) => {
    const code = readFileSync(new URL(path, root), 'utf8');
    return `${open}\n\`\`\`ts\n${code.endsWith('\n') ? code : `${code}\n`}\`\`\`\n${close}`;
  });
}
