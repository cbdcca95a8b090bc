import { readFileSync } from 'node:fs';
import { expect } from '../helpers/chai.js';
import { buildIndexTemplate, dataStreamName, INDEX_PATTERN } from '../../src/storage/template.js';
import { generatedFiles } from '../../src/dev/generate.js';
import { FIELDS, TEMPLATE_VERSION, type FieldKind } from '../../src/model/vocabulary.js';

type Props = Record<string, { type?: string; properties?: Props; fields?: Record<string, { type: string }> }>;

function lookup(props: Props, name: string) {
  const parts = name.split('.');
  let node: Props | undefined = props;
  for (const part of parts.slice(0, -1)) node = node?.[part]?.properties;
  return node?.[parts[parts.length - 1]!];
}

/** The intended type of each kind of field, stated independently of the generator. */
const intended: Record<string, FieldKind> = {
  '@timestamp': 'date',
  'event.created': 'date',
  'event.id': 'keyword',
  'event.action': 'keyword',
  'event.outcome': 'keyword',
  'event.sequence': 'long',
  'user.id': 'keyword',
  'user.email': 'keyword',
  'client.ip': 'ip',
  'source.ip': 'ip',
  'audit_trail.resource.type': 'keyword',
  'audit_trail.resource.id': 'keyword',
  'audit_trail.resource.target': 'keyword',
  'audit_trail.diff': 'flat_object',
  'audit_trail.details': 'flat_object',
  message: 'match_only_text',
};

describe('index template', () => {
  const template = buildIndexTemplate();
  const props = template.template.mappings.properties as Props;

  describe('agrees with the vocabulary', () => {
    it('has every vocabulary field with its declared type', () => {
      for (const field of FIELDS) expect(lookup(props, field.name)?.type, field.name).to.equal(field.kind);
    });

    it('types the key fields as intended (ids keyword, addresses ip, times date, diff flat_object)', () => {
      for (const [name, kind] of Object.entries(intended)) expect(lookup(props, name)?.type, name).to.equal(kind);
    });

    it('makes targets and e-mails searchable by part', () => {
      for (const name of ['audit_trail.resource.target', 'user.email', 'user.name']) {
        expect(lookup(props, name)?.fields?.wildcard?.type, name).to.equal('wildcard');
      }
    });

    it('has no mapped leaf that the vocabulary does not declare', () => {
      const leaves: string[] = [];
      const walk = (p: Props, prefix: string) => {
        for (const [k, v] of Object.entries(p)) {
          if (v.properties) walk(v.properties, `${prefix}${k}.`);
          else leaves.push(`${prefix}${k}`);
        }
      };
      walk(props, '');
      expect(leaves.sort()).to.deep.equal(FIELDS.map((f) => f.name).sort());
    });
  });

  describe('is a safe data stream template', () => {
    it('targets a type-dataset-namespace data stream', () => {
      expect(template.data_stream).to.deep.equal({});
      expect(template.index_patterns).to.deep.equal([INDEX_PATTERN]);
      expect(dataStreamName()).to.equal('logs-audit_trail.events-default');
      expect(() => dataStreamName('Bad-Name')).to.throw(RangeError, /namespace/);
    });

    it('never creates mappings for unknown fields', () => {
      expect(template.template.mappings.dynamic).to.equal(false);
    });

    it('carries its version in _meta and version', () => {
      expect(template.version).to.equal(TEMPLATE_VERSION);
      expect(template._meta.version).to.equal(TEMPLATE_VERSION);
    });
  });

  describe('generated files', () => {
    it('the committed template and README tables are fresh (run npm run generate)', async () => {
      for (const file of await generatedFiles()) {
        const committed = readFileSync(new URL(`../../${file.path}`, import.meta.url), 'utf8');
        expect(committed, `${file.path} is stale: run npm run generate`).to.equal(file.content);
      }
    });
  });
});
