import { expect } from '../helpers/chai.js';
import { eventView, rowView, visibleJson, visibleText } from '../../src/web/view-model.js';
import { validateEvent } from '../../src/model/event.js';
import { toEcsDocument } from '../../src/model/ecs-document.js';
import { toRow } from '../../src/model/row.js';

describe('view model: hidden and bidirectional characters', () => {
  describe('visibleText writes each one as its code point', () => {
    const cases: [string, string, string][] = [
      ['right-to-left override', 'ACCEPT-rlo-\u202Enimda', 'ACCEPT-rlo-<U+202E>nimda'],
      ['override in a file name', 'x\u202Etxt.exe', 'x<U+202E>txt.exe'],
      ['left-to-right override and pop', '\u202Dab\u202C', '<U+202D>ab<U+202C>'],
      ['embeddings', '\u202Aa\u202Bb', '<U+202A>a<U+202B>b'],
      ['isolates', '\u2066a\u2067b\u2068c\u2069', '<U+2066>a<U+2067>b<U+2068>c<U+2069>'],
      ['directional marks', 'a\u200Eb\u200Fc\u061Cd', 'a<U+200E>b<U+200F>c<U+061C>d'],
      ['zero-width characters', 'ad\u200Bmin\u200C\u200D\u2060', 'ad<U+200B>min<U+200C><U+200D><U+2060>'],
      ['NUL and other C0 controls', 'nul\u0000byte\u0007\u001B[31m', 'nul<U+0000>byte<U+0007><U+001B>[31m'],
      ['DEL and C1 controls', 'a\u007Fb\u0085c\u009B', 'a<U+007F>b<U+0085>c<U+009B>'],
      ['line and paragraph separators', 'a\u2028b\u2029c', 'a<U+2028>b<U+2029>c'],
      ['byte order mark', '\uFEFFadmin', '<U+FEFF>admin'],
      ['tab and line breaks stay (HTML shows spaces, CSV quotes them)', 'a\tb\nc\r\n', 'a\tb\nc\r\n'],
      ['plain and right-to-left letters stay', 'alice שלום مرحبا 名前 é', 'alice שלום مرحبا 名前 é'],
      ['an emoji outside the BMP stays', 'ok 👍', 'ok 👍'],
      ['empty', '', ''],
    ];
    for (const [name, text, shown] of cases) {
      it(name, () => expect(visibleText(text)).to.equal(shown));
    }
  });

  describe('visibleJson escapes them instead, the value unchanged', () => {
    const cases: [string, unknown, string][] = [
      ['override', { name: 'x\u202Etxt.exe' }, '{"name":"x\\u202etxt.exe"}'],
      ['NUL (as JSON.stringify writes it)', ['nul\u0000'], '["nul\\u0000"]'],
      ['a key too', { 'k\u2067': 1 }, '{"k\\u2067":1}'],
      ['plain text', { a: 'b' }, '{"a":"b"}'],
    ];
    for (const [name, value, json] of cases) {
      it(name, () => {
        expect(visibleJson(value)).to.equal(json);
        expect(JSON.parse(visibleJson(value))).to.deep.equal(value);
      });
    }
  });
});

describe('view model: a row of the list and an event on its own page', () => {
  const event = validateEvent({
    action: 'write', actor: { id: 'u-1', name: 'alice', roles: ['admin', 'owner'] }, resource: { type: 'user', id: 'u-9', target: 'bob' },
    source: { requestId: 'req-7', userAgent: 'curl/8\u202E' }, diff: { role: { old: 'member', new: 'auditor' }, password: { old: 'a', new: 'b', secret: true } },
    details: { ticket: 'OPS-1' },
  });
  const row = toRow(toEcsDocument(event));

  it('the row carries its ids, user agent, roles and details as facts, and no whole document', () => {
    const view = rowView(row);
    expect(view.facts).to.deep.equal([
      { label: 'Resource id', value: 'u-9' },
      { label: 'Request id', value: 'req-7' },
      { label: 'User agent', value: 'curl/8<U+202E>' },
      { label: 'Roles', value: 'admin, owner' },
      { label: 'Details', value: '{"ticket":"OPS-1"}' },
    ]);
    expect(view).not.to.have.property('json');
  });

  it('leaves out facts the event does not have', () => {
    const bare = toRow(toEcsDocument(validateEvent({ action: 'login', actor: { id: 'u-1' }, resource: { type: 'user', id: 'u-1' } })));
    expect(rowView(bare).facts.map((f) => f.label)).to.deep.equal(['Resource id']);
  });

  it('the event page has the stored document as indented JSON, secret values replaced', () => {
    const { json } = eventView(row);
    expect(json).to.include(`"id": "${event.id}"`).and.include('"changed": true');
    expect(json).not.to.include('"old": "a"');
  });
});
