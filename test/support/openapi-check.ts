// A fetch that checks every answer against the OpenAPI document (GET /openapi.json) before handing it
// on: the status is one the operation declares, the content type one it declares for that status, and
// a JSON body validates against the declared schema with Ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses;
// closed objects refuse unknown fields). A mismatch rejects the call, so the test that made it fails
// where it happened. It also records which operations answered 2xx, for the "every route" check.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

type Json = Record<string, unknown>;
interface Declared {
  description: string;
  content?: Record<string, { schema?: Json }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, Declared> }>>;
  components: { schemas: Record<string, Json> };
}

export interface CheckedFetch {
  fetch: typeof fetch;
  /** `method path-template` of every operation that answered 2xx. */
  exercised: Set<string>;
  /** Every `method path-template` the document describes. */
  operations(): string[];
}

const DEFS = 'mailprefs:components';

export function checkedFetch(doc: OpenApiDocument, base: typeof fetch = fetch): CheckedFetch {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const local = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${DEFS}#/$defs/`));
  ajv.addSchema({ $id: DEFS, $defs: local(doc.components.schemas) });
  const compiled = new Map<Json, ValidateFunction>();
  const validator = (schema: Json) => compiled.get(schema) ?? compiled.set(schema, ajv.compile(local(schema))).get(schema)!;

  const templates = Object.keys(doc.paths).map((t) => ({
    t,
    pattern: new RegExp(`^${t.replace(/\{\w+\}/g, '[^/]+')}$`),
    params: (t.match(/\{/g) ?? []).length,
  }));
  const operationOf = (method: string, path: string) =>
    templates
      .filter((x) => x.pattern.test(path) && doc.paths[x.t]![method])
      .sort((a, b) => a.params - b.params)
      .map((x) => x.t)[0];

  const exercised = new Set<string>();
  const checked: typeof fetch = async (input, init) => {
    const res = await base(input, init);
    const method = (init?.method ?? 'GET').toLowerCase();
    const path = new URL(String(input)).pathname;
    const template = operationOf(method, path);
    const where = `${method.toUpperCase()} ${path} → ${res.status}`;
    if (!template) throw new Error(`${where}: no operation in the document`);
    const declared = doc.paths[template]![method]!.responses[String(res.status)];
    if (!declared) throw new Error(`${where}: status not declared for ${template}`);
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const content = declared.content ?? {};
    if (Object.keys(content).length === 0) {
      if (type !== '' || (await res.clone().text()) !== '') throw new Error(`${where}: declared without a body, answered ${type || 'a body'}`);
    } else {
      if (!(type in content)) throw new Error(`${where}: content type ${type || '(none)'} not among ${Object.keys(content).join(', ')}`);
      const schema = content[type]!.schema;
      // Streams (NDJSON) are left to the caller to read; JSON bodies are read from a copy.
      if (schema && type.endsWith('json') && type !== 'application/x-ndjson') {
        const validate = validator(schema);
        const body = await res.clone().json();
        if (!validate(body)) throw new Error(`${where}: body does not match ${template}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
      }
    }
    if (res.ok) exercised.add(`${method} ${template}`);
    return res;
  };
  return {
    fetch: checked,
    exercised,
    operations: () => Object.entries(doc.paths).flatMap(([t, methods]) => Object.keys(methods).map((m) => `${m} ${t}`)),
  };
}
