// Known audit events for the Dashboards tests, written straight into a namespace with the bulk API.
import type { Client } from '@opensearch-project/opensearch';
import { ACTIONS, ACTION_INFO, type Action, type ResourceType } from '../../src/model/vocabulary.js';
import { validateEvent, type AuditEventInput } from '../../src/model/event.js';
import { toEcsDocument, type AuditDocument } from '../../src/model/ecs-document.js';
import { dataStreamName } from '../../src/storage/template.js';
import { useAuditNamespace } from '../helpers/namespace.js';

const people = [
  { id: 'u-alice', name: 'alice', email: 'alice@example.com', roles: ['site_manager'] },
  { id: 'u-bob', name: 'bob', email: 'bob@example.com', roles: ['member'] },
  { id: 'u-carol', name: 'carol', email: 'carol@example.com', roles: ['auditor'] },
  { id: 'u-dave', name: 'dave', email: 'dave@example.com', roles: ['member'] },
];
const usualResource: Record<Action, ResourceType> = {
  auto_off: 'workspace', auto_start: 'workspace', connect: 'workspace', cordon: 'workspace_provider', create: 'image',
  delete: 'workspace', enqueue: 'job', login: 'user', open: 'workspace', ssh: 'workspace', stop: 'workspace',
  uncordon: 'workspace_provider', view: 'secret', write: 'workspace',
};
/** A few events act on other resource types, so the type filters have something to tell apart. */
const otherResource: Partial<Record<string, ResourceType>> = { 'write:1': 'user', 'write:2': 'resource_pool', 'create:1': 'api_key', 'delete:2': 'api_key', 'write:3': 'user' };

const base = Date.parse('2026-10-05T00:00:00Z');

/** 2 to 5 events per action, spread over hours, with failures, several users and 13 targets. */
export function seedInputs(): AuditEventInput[] {
  const out: AuditEventInput[] = [];
  ACTIONS.forEach((action, ai) => {
    const count = 2 + (ai % 4);
    for (let v = 0; v < count; v++) {
      const failed = (ai * 7 + v) % 5 === 0 || (action === 'login' && v === 1);
      out.push({
        time: new Date(base + (ai * 5 + v) * 37 * 60_000),
        action,
        actor: ACTION_INFO[action].system ? { id: 'system', name: 'system', type: 'system' } : people[(ai + v) % people.length]!,
        resource: { type: otherResource[`${action}:${v}`] ?? usualResource[action], id: `r-${ai}-${v}`, target: `t-${(ai * 3 + v) % 13}` },
        outcome: failed ? 'failure' : 'success',
        source: { ip: `198.51.100.${ai * 5 + v + 1}` },
      });
    }
  });
  return out;
}

/** Writes the events into the namespace's data stream (`_id` = event id) and refreshes; returns the documents. */
export async function seedNamespace(client: Client, namespace: string): Promise<AuditDocument[]> {
  const docs = seedInputs().map((input) => toEcsDocument(validateEvent(input)));
  const index = dataStreamName(namespace);
  const body = docs.flatMap((doc) => [{ create: { _index: index, _id: doc.event.id } }, doc]);
  const response = await client.bulk({ body, refresh: true });
  if (response.body.errors) throw new Error(`seeding failed: ${JSON.stringify(response.body.items.find((i) => i.create?.error))}`);
  return docs;
}

/** A document's value at a dotted field path (the first value of an array). */
export function valueAt(doc: AuditDocument, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}

/** A suite's own namespace, set up and seeded before its tests and dropped after them. */
export function useSeededNamespace(): { readonly client: Client; readonly docs: AuditDocument[]; readonly index: string } {
  const ns = useAuditNamespace();
  let docs: AuditDocument[] | undefined;
  before(async () => {
    docs = await seedNamespace(ns.client, ns.namespace);
  });
  return {
    get client() {
      return ns.client;
    },
    get docs() {
      return docs!;
    },
    index: ns.index,
  };
}
