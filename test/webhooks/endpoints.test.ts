import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

describe.each(testDialects())('webhook endpoints on %s', (dialect) => {
  let h: Harness;
  let strict: Harness;
  const create = (body: unknown, on: Harness = h) => on.request('POST', '/v1/webhook-endpoints', { body });

  beforeAll(async () => {
    h = await makeHarness(dialect, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    strict = await makeHarness(dialect);
  });
  afterAll(async () => {
    await h.close();
    await strict.close();
  });

  it('creates, shows the whsec_ secret once, lists, edits, rotates and deletes', async () => {
    const res = await create({ url: 'https://hooks.example.com/in', events: ['consent.changed', 'consent.changed'], description: 'CRM' });
    expect(res.status).toBe(201);
    const made = await res.json();
    expect(made).toMatchObject({ url: 'https://hooks.example.com/in', events: ['consent.changed'], description: 'CRM', enabled: true, disabledReason: null });
    expect(made.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const shown = await (await h.request('GET', `/v1/webhook-endpoints/${made.id}`)).json();
    expect(shown).not.toHaveProperty('secret');
    const list = await (await h.request('GET', '/v1/webhook-endpoints')).json();
    expect(list.data.map((e: { id: string }) => e.id)).toContain(made.id);
    expect(JSON.stringify(list)).not.toContain(made.secret);

    const edited = await h.request('PATCH', `/v1/webhook-endpoints/${made.id}`, { body: { enabled: false, events: null } });
    expect(await edited.json()).toMatchObject({ enabled: false, disabledReason: 'manual', events: null });
    const rotated = await (await h.request('POST', `/v1/webhook-endpoints/${made.id}/rotate-secret`)).json();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(made.secret);

    expect((await h.request('DELETE', `/v1/webhook-endpoints/${made.id}`)).status).toBe(204);
    expect((await h.request('GET', `/v1/webhook-endpoints/${made.id}`)).status).toBe(404);
    expect((await h.request('DELETE', `/v1/webhook-endpoints/${made.id}`)).status).toBe(404);
  });

  it.each([
    ['ftp://files.example.com/x', 'http or https'],
    ['javascript:alert(1)', 'http or https'],
    ['https://user:pw@hooks.example.com/', 'user name'],
    ['http://127.0.0.1:8080/', 'loopback'],
    ['http://localhost/', 'loopback'],
    ['http://10.1.2.3/', 'loopback'],
    ['http://169.254.169.254/latest/meta-data', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://192.168.0.10/', 'loopback'],
  ])('refuses %s without WEBHOOK_ALLOW_PRIVATE', async (url, message) => {
    const res = await create({ url }, strict);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await res.json();
    expect(body.errors[0].path).toBe('url');
    expect(body.errors[0].message).toContain(message);
  });

  it('accepts a loopback URL once WEBHOOK_ALLOW_PRIVATE=true, and refuses one in a PATCH without it', async () => {
    expect((await create({ url: 'http://127.0.0.1:9/hook' })).status).toBe(201);
    const made = await (await create({ url: 'https://hooks.example.org/' }, strict)).json();
    expect((await strict.request('PATCH', `/v1/webhook-endpoints/${made.id}`, { body: { url: 'http://10.0.0.1/' } })).status).toBe(422);
  });

  it.each([
    ['CRLF in the URL', { url: 'https://hooks.example.com/\r\nX-Evil: 1' }, 'url'],
    ['NUL in the URL', { url: 'https://hooks.example.com/\u0000' }, 'url'],
    ['a URL of 3,000 characters', { url: `https://hooks.example.com/${'a'.repeat(3000)}` }, 'url'],
    ['an unknown event type', { url: 'https://hooks.example.com/', events: ['consent.*'] }, 'events.0'],
    ['no events in the list', { url: 'https://hooks.example.com/', events: [] }, 'events'],
    ['an unknown field', { url: 'https://hooks.example.com/', secret: 'whsec_mine' }, '(body)'],
    ['a description with NUL', { url: 'https://hooks.example.com/', description: 'a\u0000b' }, 'description'],
  ])('answers 422 for %s', async (_label, body, path) => {
    const res = await create(body);
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].path).toBe(path);
  });

  it('answers 400 for broken JSON, 415 for another type, 422 for a bad id, 404 for an unknown one', async () => {
    expect((await h.request('POST', '/v1/webhook-endpoints', { body: '{"url":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await h.request('POST', '/v1/webhook-endpoints', { body: 'url=x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await h.request('GET', "/v1/webhook-endpoints/1'%20or%201=1")).status).toBe(422);
    expect((await h.request('GET', '/v1/webhook-endpoints/01a230c2-3271-75d2-9017-5d9318c4c405/deliveries')).status).toBe(404);
    expect((await h.request('GET', '/v1/webhook-endpoints/01a230c2-3271-75d2-9017-5d9318c4c405/deliveries?limit=0')).status).toBe(422);
    const retry = '/v1/webhook-endpoints/01a230c2-3271-75d2-9017-5d9318c4c405/deliveries/01a230c2-3271-75d2-9017-5d9318c4c406/retry';
    expect((await h.request('POST', retry)).status).toBe(404);
  });

  it('needs the admin scope', async () => {
    for (const scope of ['recipients:write', 'eligibility:read', 'privacy', 'notices:send'] as const) {
      expect((await h.request('GET', '/v1/webhook-endpoints', { key: await h.key(scope) })).status).toBe(403);
    }
    expect((await h.request('POST', '/v1/webhook-endpoints', { key: null, body: { url: 'https://x.example/' } })).status).toBe(401);
  });
});
