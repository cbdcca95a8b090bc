// The OpenAPI 3.1 document of the API, built from the filter-key table, the field list and the error codes (served at /api/v1/openapi.json).
import { FIELDS, type FieldKind } from '../../model/vocabulary.js';
import { FILTER_KEYS } from '../../query/filter-keys.js';
import { RANGE_PRESETS } from '../filter-params.js';
import { API_ERRORS } from './bearer-auth.js';
import { API_PAGE_SIZE, EVENT_ID } from './event-routes.js';

type Schema = Record<string, unknown>;

/** JSON type of each mapping kind (keywords may hold one value or a list). */
const KIND_SCHEMA: Record<FieldKind, Schema> = {
  date: { type: ['string', 'number'], description: 'ISO 8601 date-time (or epoch milliseconds).' },
  keyword: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
  ip: { type: 'string' },
  long: { type: 'integer' },
  flat_object: { type: 'object' },
  match_only_text: { type: 'string' },
};

/** The stored ECS document as nested objects, one property per indexed field; other properties are allowed. */
function documentSchema(): Schema {
  const root: Schema = { type: 'object', properties: {}, required: ['@timestamp', 'event'] };
  for (const field of FIELDS) {
    const parts = field.name.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const props = node.properties as Record<string, Schema>;
      node = props[part] ??= { type: 'object', properties: {} };
    }
    (node.properties as Record<string, Schema>)[parts[parts.length - 1]!] = { ...KIND_SCHEMA[field.kind], description: field.description };
  }
  return root;
}

const cursor = { type: ['string', 'null'], description: 'Opaque paging position; pass it back as `after` (next) or `before` (prev).' };
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const errorAnswer = (description: string): Schema => ({ description, content: { 'application/json': { schema: ref('Error') } } });

function listParameters(): Schema[] {
  const keys = FILTER_KEYS.map((key) => ({
    name: key.name,
    in: 'query',
    description: `${key.description} Same as \`${key.name}:\` in \`q\`.`,
    schema: 'values' in key ? { type: 'array', items: { type: 'string', enum: [...key.values] } } : { type: 'string', maxLength: 256 },
    ...('values' in key ? { style: 'form', explode: true } : {}),
  }));
  return [
    { name: 'q', in: 'query', description: 'Search in the page\'s syntax: `action:login user:alice target:"bob@example.com" from:2026-11-01`. ANDed with the other parameters.', schema: { type: 'string', maxLength: 2000 } },
    ...keys,
    { name: 'range', in: 'query', description: 'Time-range preset, counted back from now.', schema: { type: 'string', enum: RANGE_PRESETS.map((p) => p.value) } },
    { name: 'after', in: 'query', description: 'Older page: the `next` cursor of a previous answer.', schema: { type: 'string' } },
    { name: 'before', in: 'query', description: 'Newer page: the `prev` cursor of a previous answer.', schema: { type: 'string' } },
    { name: 'size', in: 'query', description: `Events per page (default ${API_PAGE_SIZE.default}).`, schema: { type: 'integer', minimum: 1, maximum: API_PAGE_SIZE.max } },
  ];
}

const refusals = {
  '401': errorAnswer('No token, or one that is unknown, expired or revoked (`WWW-Authenticate: Bearer`).'),
  '403': errorAnswer('The token\'s role may not read the audit log (member).'),
  '429': errorAnswer('Over the token\'s rate limit (see `RateLimit` and `Retry-After`).'),
  '503': errorAnswer('OpenSearch does not answer.'),
};

/** The document (a fresh object each call). */
export function openApiDocument(version: string): Schema {
  return {
    openapi: '3.1.0',
    info: { title: 'audit-trail for OpenSearch: audit log API', version, description: 'Read the audit log as JSON: newest first, with the filter language of Manage > Audit and cursor paging. Bearer tokens come from `audit-trail tokens create NAME --role auditor`.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths: {
      '/api/v1/events': {
        get: {
          operationId: 'listEvents',
          summary: 'Audit events, newest first, one page at a time',
          parameters: listParameters(),
          responses: {
            '200': { description: 'A page of events.', content: { 'application/json': { schema: ref('EventList') } } },
            '400': errorAnswer('A parameter could not be used; `details` says which and why.'),
            ...refusals,
          },
        },
      },
      '/api/v1/events/{id}': {
        get: {
          operationId: 'getEvent',
          summary: 'One audit event by its id',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: EVENT_ID.source } }],
          responses: {
            '200': { description: 'The event.', content: { 'application/json': { schema: ref('EventOne') } } },
            '404': errorAnswer('No event with that id.'),
            ...refusals,
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token `atr_…` from `audit-trail tokens create`.' } },
      schemas: {
        Event: { ...documentSchema(), description: 'The stored ECS document; values of secret diff fields are replaced by `{ "secret": true, "changed": true }`.' },
        EventList: {
          type: 'object',
          additionalProperties: false,
          required: ['events', 'total', 'query', 'next', 'prev', 'links'],
          properties: {
            events: { type: 'array', items: ref('Event') },
            total: { type: 'object', additionalProperties: false, required: ['value', 'relation'], properties: { value: { type: 'integer', minimum: 0 }, relation: { enum: ['eq', 'gte'], description: '`gte`: at least `value` (10,000+).' } } },
            query: { type: 'string', description: 'The filter as understood, in the search syntax.' },
            next: cursor,
            prev: cursor,
            links: { type: 'object', additionalProperties: false, required: ['next', 'prev'], properties: { next: { type: ['string', 'null'] }, prev: { type: ['string', 'null'] } } },
          },
        },
        EventOne: { type: 'object', additionalProperties: false, required: ['event'], properties: { event: ref('Event') } },
        Error: {
          type: 'object',
          additionalProperties: false,
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              additionalProperties: false,
              required: ['code', 'message'],
              properties: { code: { enum: Object.keys(API_ERRORS) }, message: { type: 'string' }, details: { type: 'array', items: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
}
