// Manage > Integrity on a real node: the last report per namespace, Verify now in the background with its progress, each tampering shown with its event ids linked, reports kept across a restart, access and the auditor-action hook.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@opensearch-project/opensearch';
import { expect } from '../helpers/chai.js';
import { testClient } from '../helpers/opensearch.js';
import { dropNamespace, freshNamespace } from '../helpers/namespace.js';
import { ChainProducer, keyPair, relinked } from '../helpers/chains.js';
import { deleteWhere, ensureCheckpointTemplate, locate, seedProducers, updateEvent, writeEvents } from '../helpers/verify-seed.js';
import { setupAuditStorage } from '../../src/storage/setup.js';
import { INDEX_PATTERN, checkpointStreamName, dataStreamName } from '../../src/storage/template.js';
import { namespaceOfIndex } from '../../src/query/namespaces.js';
import { checkpointId } from '../../src/integrity/checkpoint.js';
import type { AuditorAction } from '../../src/web/auditor-action.js';
import { ACCOUNTS, HttpSession, startHarness, type Harness } from './harness.js';
import type { WebServerOptions } from '../../src/web/server.js';

const KEY = keyPair();
const T0 = Date.parse('2026-11-20T10:00:00.000Z');

/** Producers whose names are event-id safe (the event page takes [A-Za-z0-9-]). */
const producers = () => ({
  modified: new ChainProducer('mod-1', KEY.signing, T0).run(40, 10),
  deleted: new ChainProducer('del-1', KEY.signing, T0 + 100).run(40, 10),
  forged: new ChainProducer('forge-1', KEY.signing, T0 + 200).run(30, 15),
  truncated: new ChainProducer('trunc-1', KEY.signing, T0 + 300).run(60, 10),
  checkpoint: new ChainProducer('cpdel-1', KEY.signing, T0 + 400).run(60, 10),
  signature: new ChainProducer('badsig-1', KEY.signing, T0 + 500).run(30, 15),
});

/** The page's section of a namespace, a producer's row and problems (by their data attributes). */
const section = (html: string, namespace: string): string => {
  const start = html.indexOf(`data-namespace="${namespace}"`);
  if (start < 0) throw new Error(`no section for ${namespace}`);
  const end = html.indexOf('<section class="namespace"', start);
  return html.slice(start, end < 0 ? undefined : end);
};
const statusOf = (html: string, producer: string): string | undefined => new RegExp(`<tr data-producer="${producer}" data-status="([a-z-]+)"`).exec(html)?.[1];
/** Problem rows after the heading "Problems of <producer>": kind and linked event ids. */
function problemsOf(html: string, producer: string): { kind: string; ids: string[]; listLink?: string }[] {
  const start = html.indexOf(`<h3>Problems of <bdi>${producer}</bdi></h3>`);
  if (start < 0) return [];
  const table = html.slice(start, html.indexOf('</table>', start));
  return [...table.matchAll(/<tr data-kind="([a-z-]+)">([\s\S]*?)<\/tr>/g)].map((m) => ({
    kind: m[1]!,
    ids: [...m[2]!.matchAll(/<a href="\/manage\/audit\/events\/([^"]+)" class="event-link">/g)].map((l) => decodeURIComponent(l[1]!)),
    ...(/<a href="([^"]+)" class="list-link">/.exec(m[2]!) ? { listLink: /<a href="([^"]+)" class="list-link">/.exec(m[2]!)![1]!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&') } : {}),
  }));
}

describe('web view: Manage > Integrity (real OpenSearch, HTTP)', function () {
  this.timeout(120_000);
  let client: Client;
  const namespaces: string[] = [];
  const harnesses: Harness[] = [];
  const actions: AuditorAction[] = [];

  before(async () => {
    client = testClient();
    await ensureCheckpointTemplate(client);
  });
  after(async () => {
    for (const h of harnesses) await h.close();
    for (const ns of namespaces) await dropNamespace(client, ns);
  });

  async function namespaceWith(seed: (namespace: string) => Promise<void>): Promise<string> {
    const namespace = freshNamespace();
    namespaces.push(namespace);
    await setupAuditStorage(client, { namespace });
    await seed(namespace);
    return namespace;
  }
  async function harness(namespace: string, extra: Partial<WebServerOptions> = {}): Promise<Harness> {
    const h = await startHarness(client, dataStreamName(namespace), { verifyKeys: [KEY.verify], onAuditorAction: (a) => actions.push(a), ...extra });
    harnesses.push(h);
    return h;
  }
  async function signedIn(h: Harness, who: string): Promise<HttpSession> {
    const http = new HttpSession(h.web.url);
    expect((await http.signIn(who)).status).to.equal(303);
    return http;
  }
  /** Presses Verify now and waits for the report of the namespace; the page's HTML then. */
  async function verifyNow(http: HttpSession, namespace: string): Promise<string> {
    const res = await http.request('/manage/integrity/verify', { form: { _csrf: await http.token('/manage/integrity') } });
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/manage/integrity');
    for (let i = 0; i < 200; i++) {
      const html = await (await http.request('/manage/integrity')).text();
      if (!html.includes('id="run-status"') && !section(html, namespace).includes('data-status="unverified"')) return html;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the verification did not finish in 20 s');
  }

  describe('an intact namespace', () => {
    let namespace: string;
    let h: Harness;
    let http: HttpSession;
    before(async () => {
      const p = producers();
      namespace = await namespaceWith((ns) => seedProducers(client, ns, Object.values(p)));
      h = await harness(namespace);
      http = await signedIn(h, ACCOUNTS.auditor);
    });

    it('before any verification: not verified, with the newest stored checkpoint of each producer', async () => {
      const html = section(await (await http.request('/manage/integrity')).text(), namespace);
      expect(html).to.include('data-status="unverified"').and.include('Not verified yet');
      for (const producer of ['mod-1', 'del-1', 'forge-1', 'trunc-1', 'cpdel-1', 'badsig-1']) expect(statusOf(html, producer), producer).to.equal('unverified');
      expect(html).to.match(/<tr data-producer="trunc-1"[\s\S]*?Newest stored: #6 \(sequence 60\)/);
      expect(html).to.match(/<tr data-producer="forge-1"[\s\S]*?Newest stored: #2 \(sequence 30\)/);
    });

    it('Verify now: every producer intact, with events, sequences, time range and last trusted checkpoint; recorded', async () => {
      const before = actions.length;
      const html = section(await verifyNow(http, namespace), namespace);
      expect(html).to.include(`data-status="intact"`).and.include('✓ Intact').and.include('260 events of 6 producers checked').and.include('by <bdi>aude</bdi>');
      for (const producer of ['mod-1', 'del-1', 'forge-1', 'trunc-1', 'cpdel-1', 'badsig-1']) expect(statusOf(html, producer), producer).to.equal('intact');
      expect(html).to.match(/<tr data-producer="trunc-1" data-status="intact">[\s\S]*?<td>60<\/td>\s*<td>1–60<\/td>[\s\S]*?#6 \(sequence 60\)[\s\S]*?, count<br><span class="hint">6 of 6 trusted/);
      expect(html).not.to.include('data-kind=');
      const run = actions.slice(before).filter((a) => a.kind === 'integrity.verify');
      expect(run).to.have.length(1);
      expect(run[0]).to.deep.include({ outcome: 'success' });
      expect(run[0]!.actor).to.deep.include({ type: 'user', name: ACCOUNTS.auditor });
      expect(run[0]!.target).to.deep.equal({ namespace, rows: 260, result: 'intact', summary: 'intact: 260 events of 6 producers checked' });
      expect(actions.slice(before).some((a) => a.kind === 'integrity.view' && a.outcome === 'success' && a.target.namespace === namespace)).to.equal(true);
    });

    it('keeps the report in <dataDir>/integrity/<namespace>.json, shown again after a restart without verifying', async () => {
      const file = join(h.dataDir, 'integrity', `${namespace}.json`);
      expect(existsSync(file)).to.equal(true);
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { by: string; report: { status: string; eventsChecked: number } };
      expect(stored).to.deep.include({ by: ACCOUNTS.auditor });
      expect(stored.report).to.deep.include({ status: 'intact', eventsChecked: 260 });
      const again = await h.restart({ verifyKeys: [KEY.verify], onAuditorAction: (a) => actions.push(a) });
      const other = new HttpSession(again.url);
      await other.signIn(ACCOUNTS.site_manager);
      const before = actions.length;
      const html = section(await (await other.request('/manage/integrity')).text(), namespace);
      expect(html).to.include('data-status="intact"').and.include('by <bdi>aude</bdi>');
      expect(actions.slice(before).map((a) => a.kind)).to.deep.equal(['integrity.view']);
    });
  });

  describe('a namespace tampered with as an attacker with cluster write access would', () => {
    let namespace: string;
    let p: ReturnType<typeof producers>;
    let h: Harness;
    let http: HttpSession;
    let html: string;
    const forgedId = 'forge-1-inserted';
    before(async () => {
      p = producers();
      namespace = await namespaceWith(async (ns) => {
        await seedProducers(client, ns, Object.values(p));
        const events = dataStreamName(ns);
        // One field of one event changed by a partial update on its backing index.
        await updateEvent(client, ns, 'mod-1-00000023', { user: { name: 'mallory' } });
        // One event deleted.
        expect(await deleteWhere(client, events, { term: { 'event.id': 'del-1-00000017' } })).to.equal(1);
        // A forged event with a plausible producer and sequence, linked over the real prev.
        await writeEvents(client, ns, [relinked(p.forged.events[16]!, (d) => ((d.event.id = forgedId), (d.event.action = 'delete'), (d.user.name = 'alice')))]);
        // The producer's newest events deleted.
        await deleteWhere(client, events, { bool: { filter: [{ term: { 'audit_trail.producer': 'trunc-1' } }, { range: { 'event.sequence': { gt: 54 } } }] } });
        // A checkpoint deleted.
        await deleteWhere(client, checkpointStreamName(ns), { ids: { values: [checkpointId({ producer: 'cpdel-1', number: 3 })] } });
        // A checkpoint changed in the cluster: its signature no longer holds.
        const { index, id } = await locate(client, checkpointStreamName(ns), '_id', checkpointId({ producer: 'badsig-1', number: 2 }));
        await client.update({ index, id, body: { doc: { audit_trail: { checkpoint: { sequence: 28 } } } }, refresh: true } as never);
      });
      h = await harness(namespace);
      http = await signedIn(h, ACCOUNTS.site_manager);
      html = section(await verifyNow(http, namespace), namespace);
    });

    it('says problems, for every tampered producer, in words', () => {
      expect(html).to.include('data-status="problems"').and.include('⚠ Problems found');
      for (const producer of ['mod-1', 'del-1', 'forge-1', 'trunc-1', 'cpdel-1', 'badsig-1']) expect(statusOf(html, producer), producer).to.equal('problems');
    });

    it('one field changed: modified, with the event linked and the audit list narrowed to it', async () => {
      const problems = problemsOf(html, 'mod-1');
      expect(problems.map((x) => [x.kind, x.ids])).to.deep.equal([['modified', ['mod-1-00000023']]]);
      const at = p.modified.timeOf(23);
      expect(problems[0]!.listLink).to.equal(`/manage/audit?producer=mod-1&from=${encodeURIComponent(at)}&to=${encodeURIComponent(new Date(Date.parse(at) + 1).toISOString())}`);
      const list = await (await http.request(problems[0]!.listLink!)).text();
      expect([...list.matchAll(/<tbody class="event[^"]*" data-id="([^"]+)"/g)].map((m) => m[1])).to.deep.equal(['mod-1-00000023']);
      const event = await (await http.request('/manage/audit/events/mod-1-00000023')).text();
      expect(event).to.include('data-link="altered"');
    });

    it('one event deleted: missing, its sequence and its neighbours’ times, nothing to link', () => {
      expect(problemsOf(html, 'del-1').map((x) => [x.kind, x.ids])).to.deep.equal([['missing', []]]);
      expect(html).to.match(/<tr data-kind="missing">\s*<td>[\s\S]*?<\/td>\s*<td>17<\/td>/);
    });

    it('an inserted event: forged, with the inserted event linked', async () => {
      expect(problemsOf(html, 'forge-1').map((x) => [x.kind, x.ids])).to.deep.equal([['forged', [forgedId]]]);
      expect((await http.request(`/manage/audit/events/${forgedId}`)).status).to.equal(200);
    });

    it('the newest events deleted: truncated, sequences 55–60', () => {
      expect(problemsOf(html, 'trunc-1').map((x) => [x.kind, x.ids])).to.deep.equal([['truncated', []]]);
      expect(html).to.match(/<tr data-kind="truncated">\s*<td>[\s\S]*?<\/td>\s*<td>55–60<\/td>/);
    });

    it('a checkpoint deleted: missing checkpoint, naming it', () => {
      expect(problemsOf(html, 'cpdel-1').map((x) => x.kind)).to.deep.equal(['missing-checkpoint']);
      expect(html).to.match(/<tr data-kind="missing-checkpoint">[\s\S]*?checkpoint 3</);
    });

    it('a checkpoint changed: bad signature, not trusted', () => {
      expect(problemsOf(html, 'badsig-1').map((x) => x.kind)).to.include('bad-signature');
      expect(html).to.match(/<tr data-producer="badsig-1"[\s\S]*?1 of 2 trusted/);
    });

    it('the run is recorded with its result and a summary naming each kind', () => {
      const run = actions.filter((a) => a.kind === 'integrity.verify' && a.target.namespace === namespace);
      expect(run).to.have.length(1);
      expect(run[0]!.actor).to.deep.include({ name: ACCOUNTS.site_manager, role: 'site_manager' });
      expect(run[0]!.target).to.deep.include({ result: 'problems', rows: 40 + 39 + 31 + 54 + 60 + 30 });
      for (const kind of ['modified', 'missing', 'forged', 'truncated', 'missing-checkpoint', 'bad-signature']) expect(run[0]!.target.summary).to.include(kind);
    });
  });

  it('reading every namespace: a section for each namespace with an events data stream', async () => {
    const first = await namespaceWith((ns) => seedProducers(client, ns, [new ChainProducer('one-1', KEY.signing, T0).run(10, 10)]));
    const second = await namespaceWith(async () => undefined);
    const h = await startHarness(client, INDEX_PATTERN, { verifyKeys: [KEY.verify] });
    harnesses.push(h);
    const html = await (await (await signedIn(h, ACCOUNTS.auditor)).request('/manage/integrity')).text();
    expect(statusOf(section(html, first), 'one-1')).to.equal('unverified');
    expect(section(html, second)).to.include('data-status="unverified"').and.not.include('<tr data-producer=');
    expect(namespaceOfIndex(dataStreamName(first))).to.equal(first);
    expect(namespaceOfIndex(INDEX_PATTERN)).to.equal(undefined);
  });

  describe('a run under way, keys, and access', () => {
    let namespace: string;
    let release: () => void;
    let h: Harness;
    before(async () => {
      namespace = await namespaceWith((ns) => seedProducers(client, ns, [new ChainProducer('gate-1', KEY.signing, T0).run(20, 10)]));
      // The scan of the events waits for the test: the run stays under way until released.
      const gate = new Promise<void>((resolve) => (release = resolve));
      const gated = new Proxy(client, {
        get: (target, key, receiver) => (key === 'createPit' ? async (...args: unknown[]) => (await gate, (target.createPit as (...a: unknown[]) => unknown).apply(target, args)) : Reflect.get(target, key, receiver)),
      });
      h = await harness(namespace, { client: gated });
    });

    it('shows the progress, reloads itself without JavaScript, refuses a second run, then shows the report', async () => {
      const http = await signedIn(h, ACCOUNTS.auditor);
      const token = await http.token('/manage/integrity');
      expect((await http.request('/manage/integrity/verify', { form: { _csrf: token } })).status).to.equal(303);
      const running = await (await http.request('/manage/integrity')).text();
      expect(running).to.match(/<meta http-equiv="refresh" content="2">/);
      expect(running).to.include('id="run-status"').and.include(`Verifying namespace <strong>${namespace}</strong> (1 of 1), asked by aude`);
      expect(section(running, namespace)).to.match(/data-progress>[\s\S]*?Verifying: <span class="checked">0<\/span> of <span class="total">0<\/span> events checked/);
      expect(running).to.match(/<button type="submit" id="verify-now" disabled>/);

      const before = actions.length;
      const second = await http.request('/manage/integrity/verify', { form: { _csrf: token } });
      expect(second.status).to.equal(303);
      expect(actions.slice(before).filter((a) => a.kind === 'integrity.verify').map((a) => [a.outcome, a.reason])).to.deep.equal([['failure', 'a verification is already running']]);

      release();
      let html = '';
      for (let i = 0; i < 100 && !html.includes('data-status="intact"'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        html = await (await http.request('/manage/integrity')).text();
      }
      expect(section(html, namespace)).to.include('data-status="intact"').and.include('20 events of 1 producer checked');
      expect(html).not.to.include('http-equiv="refresh"');
      expect(html).to.match(/<button type="submit" id="verify-now">/);
    });

    it('without a trusted key: the page says how to give one, the button is disabled, a POST is refused', async () => {
      const bare = await harness(namespace, { verifyKeys: [] });
      const http = await signedIn(bare, ACCOUNTS.site_manager);
      const html = await (await http.request('/manage/integrity')).text();
      expect(html).to.include('id="no-keys"').and.include('AUDIT_WEB_VERIFY_KEYS').and.include('*.pub.pem');
      expect(html).to.match(/<button type="submit" id="verify-now" disabled>/);
      const before = actions.length;
      const res = await http.request('/manage/integrity/verify', { form: { _csrf: await http.token('/manage/integrity') } });
      expect(res.status).to.equal(409);
      expect(await res.text()).to.include('No trusted public key is configured');
      expect(actions.slice(before).filter((a) => a.kind === 'integrity.verify').map((a) => [a.outcome, a.reason])).to.deep.equal([['failure', 'no trusted public key']]);
    });

    it('a member is refused the page and the run (recorded as refusals); an anonymous visitor is sent to sign in', async () => {
      const member = await signedIn(h, ACCOUNTS.member);
      const token = await member.token('/manage/audit');
      const before = actions.length;
      const page = await member.request('/manage/integrity');
      expect(page.status).to.equal(403);
      expect(await page.text()).to.include('Only site_manager and auditor may see the audit log');
      const post = await member.request('/manage/integrity/verify', { form: { _csrf: token } });
      expect(post.status).to.equal(403);
      expect(actions.slice(before).map((a) => [a.kind, a.outcome, a.target.status])).to.deep.equal([['integrity.view', 'failure', 403], ['integrity.verify', 'failure', 403]]);
      const anonymous = new HttpSession(h.web.url);
      const res = await anonymous.request('/manage/integrity');
      expect(res.status).to.equal(303);
      expect(res.headers.get('location')).to.equal('/login?next=%2Fmanage%2Fintegrity');
      expect((await anonymous.request('/manage/integrity/verify', { form: { _csrf: 'none' } })).status).to.equal(403);
    });
  });
});
