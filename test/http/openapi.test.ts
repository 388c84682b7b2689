import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

describe.each(testDialects())('OpenAPI document and /docs on %s', (dialect) => {
  let h: Harness;
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, { parameters?: { name: string }[]; 'x-scopes'?: string[]; requestBody?: unknown }>>;
    components: { schemas: Record<string, { required?: string[] }> };
  };

  beforeAll(async () => {
    h = await makeHarness(dialect);
    const res = await h.request('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = await res.json();
  });
  afterAll(() => h.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes every /v1 route the app serves, with its scopes', () => {
    const served = new Set(
      h.app.routes
        .filter((r) => r.path.startsWith('/v1/') && r.method !== 'ALL')
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}').replace(/\/$/, '')}`),
    );
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`)));
    expect([...served].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.has(r))).toEqual([]);
    expect(doc.paths['/v1/webhook-endpoints']!.post!['x-scopes']).toEqual(['admin']);
  });

  it('takes its request schemas from the zod schemas that validate', async () => {
    const events = doc.paths['/v1/events']!.get!.parameters!.map((p) => p.name);
    expect(events).toEqual(['after', 'limit', 'type', 'category', 'source', 'since', 'until', 'noticeId', 'broadcastId']);
    const body = JSON.stringify(doc.paths['/v1/categories']!.post!.requestBody);
    expect(body).toContain('^[a-z0-9][a-z0-9_-]{0,63}$');
    // The document's enum is what the route accepts: a value outside it is a 422.
    const res = await h.request('POST', '/v1/categories', { body: { key: 'k', name: 'K', kind: 'bulk' } });
    expect(res.status).toBe(422);
    expect(body).toContain('"enum":["marketing","transactional"]');
  });

  it('answers real responses with the documented fields', async () => {
    await h.request('POST', '/v1/categories', { body: { key: 'news', name: 'News', kind: 'marketing' } });
    const recipient = await (await h.request('PUT', '/v1/recipients', { body: { email: 'o@example.com', subscriptions: { news: 'subscribed' } } })).json();
    const category = (await (await h.request('GET', '/v1/categories')).json()).data[0];
    const problem = await (await h.request('GET', '/v1/recipients/nobody@example.com')).json();
    for (const [name, value] of [
      ['Recipient', recipient],
      ['Category', category],
      ['Problem', problem],
    ] as const) {
      const required = doc.components.schemas[name]!.required ?? [];
      expect(required.filter((k) => !(k in value))).toEqual([]);
    }
  });

  it('serves /docs from mailprefs alone, under a strict CSP', async () => {
    const res = await h.request('GET', '/docs', { key: null });
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).toContain('/v1/webhook-endpoints/{id}/rotate-secret');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    const css = await h.request('GET', '/docs/docs.css', { key: null });
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });
});
