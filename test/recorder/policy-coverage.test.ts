import request from 'supertest';
import { expect } from '../helpers/chai.js';
import { definePolicy, track, unclassifiedFields, type FieldPolicy } from '../../src/recorder/field-policy.js';
import { createWorkspacePlatform } from '../../src/dev/example-service/platform.js';
import { POLICIES, type Image } from '../../src/dev/example-service/model.js';
import type { AuditRecord } from '../../src/recorder/audit-logger.js';

// Compile-time coverage: a table that leaves out a field of the type does not compile (tsc runs in npm test).
// @ts-expect-error `createdAt` of Image is not classified
definePolicy<Image>('image', { id: track, repository: track, tag: track, description: track });

/** Builds the example service and creates one of every resource type through its routes. */
async function populatedPlatform() {
  const events: AuditRecord[] = [];
  const platform = createWorkspacePlatform({ sink: { record: (e) => events.push(e) }, hmacKey: 'coverage-test-key-0123456789' });
  const app = platform.app;
  const login = async (email: string, password: string) => (await request(app).post('/login').send({ email, password }).expect(200)).body.token as string;
  const alice = `Bearer ${await login('alice@example.com', 'alice-password')}`;
  await request(app).post('/users').set('authorization', alice).send({ username: 'dave', email: 'dave@example.com', password: 'pw-dave-1' }).expect(201);
  await login('dave@example.com', 'pw-dave-1');
  await request(app).post('/images').set('authorization', alice).send({ repository: 'golang', tag: '1.23' }).expect(201);
  const ws = (await request(app).post('/workspaces').set('authorization', alice).send({ name: 'alice-dev', imageId: 'img-golang-1.23', providerId: 'wp-eu-west-k8s', autostartHour: 8 }).expect(201)).body.id as string;
  await request(app).patch(`/workspaces/${ws}`).set('authorization', alice).send({ labels: ['x'] }).expect(200);
  await request(app).post(`/workspaces/${ws}/builds`).set('authorization', alice).expect(202);
  await request(app).post('/providers/wp-eu-west-k8s/cordon').set('authorization', alice).send({ reason: 'upgrade' }).expect(200);
  await request(app).post('/secrets').set('authorization', alice).send({ name: 'GITHUB_TOKEN', value: 'ghp_x', description: 'ci' }).expect(201);
  return platform;
}

describe('field policies of the example service cover every field', () => {
  let objects: { type: keyof typeof POLICIES; value: object }[];

  before(async () => {
    const { store } = await populatedPlatform();
    objects = [
      ...[...store.users.values()].map((value) => ({ type: 'user' as const, value })),
      ...[...store.workspaces.values()].map((value) => ({ type: 'workspace' as const, value })),
      ...[...store.images.values()].map((value) => ({ type: 'image' as const, value })),
      ...[...store.providers.values()].map((value) => ({ type: 'workspace_provider' as const, value })),
      ...[...store.secrets.values()].map((value) => ({ type: 'secret' as const, value })),
      ...[...store.jobs.values()].map((value) => ({ type: 'job' as const, value })),
    ];
  });

  it('has objects of every audited type to check', () => {
    expect(new Set(objects.map((o) => o.type))).to.have.property('size', Object.keys(POLICIES).length);
  });

  it('classifies every field of every stored object (a new field fails here until it is classified)', () => {
    for (const { type, value } of objects) {
      expect(unclassifiedFields(POLICIES[type].fields as Record<string, FieldPolicy>, value), `${type} ${JSON.stringify(value)}`).to.deep.equal([]);
    }
  });

  it('fails when an object gains a field the table does not classify', () => {
    const user = objects.find((o) => o.type === 'user')?.value as object;
    expect(unclassifiedFields(POLICIES.user.fields as Record<string, FieldPolicy>, { ...user, mfaSecret: 'x' })).to.deep.equal(['mfaSecret']);
    const ws = objects.find((o) => o.type === 'workspace')?.value as { resources: object };
    expect(unclassifiedFields(POLICIES.workspace.fields as Record<string, FieldPolicy>, { ...ws, resources: { ...ws.resources, gpu: 1 } })).to.deep.equal(['resources.gpu']);
  });

  it('keeps secret fields secret and explains each ignored one', () => {
    expect(POLICIES.user.fields.hashedPassword.kind).to.equal('secret');
    expect(POLICIES.secret.fields.value.kind).to.equal('secret');
    expect(POLICIES.workspace_provider.fields.apiToken.kind).to.equal('secret');
    for (const policy of Object.values(POLICIES)) {
      for (const [field, rule] of Object.entries(policy.fields as Record<string, FieldPolicy>)) {
        if (rule.kind === 'ignore') expect(rule.reason, `${policy.resourceType}.${field}`).to.have.length.above(10);
      }
    }
  });
});
