// The OpenAPI 3.1 document of the /v1 API, built once from OPERATIONS (JSON Schema 2020-12 throughout,
// as OpenAPI 3.1 allows). Every operation answers problem+json for its errors (RFC 9457).
import { inputSchema, type JsonSchema, type Operation, queryParameters } from './operation.js';
import { OPERATIONS } from './routes.js';
import { COMPONENTS, ref } from './schemas.js';

const ERRORS: Record<number, string> = {
  400: 'Malformed body',
  401: 'No or bad API key',
  403: 'The key lacks every scope this route accepts',
  404: 'Unknown',
  409: 'Conflict',
  413: 'Too large',
  415: 'Wrong content type',
  422: 'Invalid field (`errors` lists each)',
  429: 'Rate limited (`Retry-After`)',
};

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });

function responsesOf(op: Operation): JsonSchema {
  const out: JsonSchema = {};
  for (const [status, r] of Object.entries(op.responses)) {
    const types = (r.type ?? (r.schema ? 'application/json' : ''))
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    out[status] = types.length
      ? { description: r.description, content: Object.fromEntries(types.map((t) => [t, t === 'application/json' && r.schema ? { schema: r.schema } : {}])) }
      : { description: r.description };
  }
  const errors = op.scopes === null ? [400, 422] : [400, 401, 403, 404, 413, 415, 422, 429];
  for (const status of errors) out[status] ??= problem(ERRORS[status]!);
  return out;
}

function operationOf(op: Operation): JsonSchema {
  const parameters = [
    ...Object.entries(op.params ?? {}).map(([name, description]) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } })),
    ...(op.query ? queryParameters(op.query) : []),
  ];
  const body =
    op.body === undefined
      ? undefined
      : 'types' in op.body
        ? { required: true, description: op.body.description, content: Object.fromEntries(op.body.types.map((t) => [t, {}])) }
        : { required: true, content: { 'application/json': { schema: inputSchema(op.body) } } };
  const scopes = op.scopes ? `Scopes (any one): ${op.scopes.map((s) => `\`${s}\``).join(', ')}.` : 'No key.';
  return {
    tags: [op.tag],
    summary: op.summary,
    description: [op.description, scopes].filter(Boolean).join('\n\n'),
    operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    ...(op.scopes && { security: [{ apiKey: [] }], 'x-scopes': op.scopes }),
    ...(parameters.length && { parameters }),
    ...(body && { requestBody: body }),
    responses: responsesOf(op),
  };
}

export function buildOpenApiDocument(version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of OPERATIONS) paths[op.path] = { ...paths[op.path], [op.method]: operationOf(op) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'mailprefs API',
      version,
      description: 'Email preferences and opt-outs: who may be sent which email, and the proof. The full contract is docs/api.md.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: '`Authorization: Bearer KEY`; each key has scopes (see each operation).' } },
      schemas: COMPONENTS,
    },
  };
}
