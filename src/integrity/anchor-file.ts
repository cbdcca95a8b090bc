// Reads an anchor file: signed checkpoints kept outside the cluster (JSON lines, or a JSON array), each a signed checkpoint or its stored document.
import { checkpointDocument, checkpointFromSource, type SignedCheckpoint } from './checkpoint.js';

/** An anchor file that cannot be read; the message names the line and what is wrong. */
export class AnchorFileError extends TypeError {
  override readonly name = 'AnchorFileError';
}

function checkpointOf(value: unknown, where: string): SignedCheckpoint {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AnchorFileError(`${where}: not a JSON object`);
  const object = value as Record<string, unknown>;
  // A stored checkpoint document carries `audit_trail.checkpoint`; a signed checkpoint its statement's fields at the top.
  const source = 'audit_trail' in object ? object : (checkpointDocument(object as unknown as SignedCheckpoint) as unknown as Record<string, unknown>);
  const read = checkpointFromSource(source);
  if ('problem' in read) throw new AnchorFileError(`${where}: ${read.problem}`);
  return read;
}

/**
 * The checkpoints of an anchor file's text: one JSON object a line (blank lines skipped) or one JSON array, each a signed
 * checkpoint (`producer`, `number`, …, `signature`) or a checkpoint document as stored. Signatures are checked later, by the verifier.
 */
export function parseAnchorText(text: string): SignedCheckpoint[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(trimmed);
    } catch (error) {
      throw new AnchorFileError(`not valid JSON (${(error as Error).message})`);
    }
    return (list as unknown[]).map((item, i) => checkpointOf(item, `item ${i + 1}`));
  }
  const out: SignedCheckpoint[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new AnchorFileError(`line ${i + 1}: not valid JSON (${(error as Error).message})`);
    }
    out.push(checkpointOf(value, `line ${i + 1}`));
  });
  return out;
}
