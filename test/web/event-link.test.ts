import { randomUUID } from 'node:crypto';
import { expect } from '../helpers/chai.js';
import { sampleEvent } from '../helpers/events.js';
import { useAuditNamespace } from '../helpers/namespace.js';
import { ACCOUNTS, HttpSession, startHarness, type Harness } from './harness.js';
import { createAuditLogger } from '../../src/recorder/audit-logger.js';
import { linkVerdict } from '../../src/integrity/link-verdict.js';
import { linkDocument, GENESIS_LINK } from '../../src/integrity/chain.js';

describe("the event page says whether the event's chain link verifies (real OpenSearch)", () => {
  const ns = useAuditNamespace();
  let harness: Harness;
  let http: HttpSession;
  const ids: string[] = [];

  before(async () => {
    const audit = createAuditLogger({ client: ns.client, namespace: ns.namespace, producerId: `page-${randomUUID().slice(0, 8)}` });
    for (let i = 1; i <= 6; i++) ids.push(audit.record(sampleEvent({ id: randomUUID(), resource: { type: 'workspace', id: `ws-${i}`, target: `ws-${i}` } })));
    await audit.close();
    await ns.client.indices.refresh({ index: ns.index });
    // An attacker with write access: changes the target of the 3rd event in place, deletes the 5th.
    const hit = async (id: string) => (await ns.client.search({ index: ns.index, body: { query: { term: { 'event.id': id } } } })).body.hits.hits[0]!;
    const third = await hit(ids[2]!);
    await ns.client.update({ index: third._index!, id: third._id!, body: { doc: { audit_trail: { resource: { target: 'innocent' } } } }, refresh: true });
    const fifth = await hit(ids[4]!);
    await ns.client.delete({ index: fifth._index!, id: fifth._id!, refresh: true });
    harness = await startHarness(ns.client, ns.index);
    http = new HttpSession(harness.web.url);
    await http.signIn(ACCOUNTS.auditor);
  });
  after(() => harness?.close());

  const verdictOf = async (id: string) => {
    const html = await (await http.request(`/manage/audit/events/${id}`)).text();
    return /data-link="([a-z-]+)"/.exec(html)?.[1];
  };

  it('verified for an untouched event, altered for the changed one, predecessor-missing after the deleted one', async () => {
    expect(await verdictOf(ids[0]!)).to.equal('verified');
    expect(await verdictOf(ids[1]!)).to.equal('verified');
    expect(await verdictOf(ids[2]!)).to.equal('altered');
    expect(await verdictOf(ids[3]!), 'its own link and its predecessor’s stored link still agree').to.equal('verified');
    expect(await verdictOf(ids[5]!)).to.equal('predecessor-missing');
  });

  it('tells an event inserted after a stored one from one that follows it', () => {
    const first = JSON.parse(linkDocument({ event: { id: 'a', sequence: 1 } }, GENESIS_LINK).json) as Record<string, unknown>;
    const forged = JSON.parse(linkDocument({ event: { id: 'x', sequence: 2 } }, 'f'.repeat(64)).json) as Record<string, unknown>;
    expect(linkVerdict(forged, 2, first)).to.deep.equal({ status: 'predecessor-differs', sequence: 2 });
    expect(linkVerdict({ event: { id: 'plain' } }, 3, first)).to.deep.equal({ status: 'unchained' });
  });
});
