// Anchor files: JSON lines or an array, of signed checkpoints or their stored documents; what is wrong is named by line.
import { expect } from '../helpers/chai.js';
import { ChainProducer, keyPair } from '../helpers/chains.js';
import { AnchorFileError, parseAnchorText } from '../../src/integrity/anchor-file.js';
import { checkpointDocument } from '../../src/integrity/checkpoint.js';

describe('anchor files', () => {
  const p = new ChainProducer('api-1', keyPair().signing).run(30, 10);

  it('reads JSON lines of signed checkpoints, blank lines skipped, and an array of stored documents, alike', () => {
    const lines = `${p.checkpoints.map((c) => JSON.stringify(c)).join('\n\n')}\n`;
    expect(parseAnchorText(lines)).to.deep.equal(p.checkpoints);
    expect(parseAnchorText(JSON.stringify(p.checkpoints.map(checkpointDocument)))).to.deep.equal(p.checkpoints);
  });

  it('names the line of what cannot be read', () => {
    const text = `${JSON.stringify(p.checkpoints[0])}\n{"producer":"api-1"}\n`;
    expect(() => parseAnchorText(text)).to.throw(AnchorFileError, /^line 2: not a checkpoint document/);
    expect(() => parseAnchorText('{oops')).to.throw(AnchorFileError, /^line 1: not valid JSON/);
    expect(() => parseAnchorText('[1]')).to.throw(AnchorFileError, /^item 1: not a JSON object/);
  });
});
