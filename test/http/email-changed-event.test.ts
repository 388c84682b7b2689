// PATCH /v1/recipients changing the address writes one `email_changed` event, with no address in it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

describe.each(testDialects())('email_changed events on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect);
  });
  afterAll(() => h.close());

  const events = async (id: string) =>
    (await (await h.request('GET', `/v1/recipients/${id}/events`)).json()).data as { type: string; detail: unknown; actor: string }[];

  it('records the change once, names no address, and not for a case-only or absent change', async () => {
    const created = await (await h.request('PUT', '/v1/recipients', { body: { email: 'eve@example.com' } })).json();
    const base = (await events(created.id)).length;
    expect((await h.request('PATCH', `/v1/recipients/${created.id}`, { body: { email: 'eve.new@example.com' } })).status).toBe(200);
    const after = await events(created.id);
    expect(after).toHaveLength(base + 1);
    expect(after.at(-1)).toMatchObject({ type: 'email_changed', actor: expect.stringMatching(/^key:/) });
    expect(JSON.stringify(after.at(-1)!.detail)).not.toContain('@');
    expect((await h.request('PATCH', `/v1/recipients/${created.id}`, { body: { locale: 'de' } })).status).toBe(200);
    expect((await h.request('PATCH', `/v1/recipients/${created.id}`, { body: { email: 'eve.new@example.com' } })).status).toBe(200);
    expect(await events(created.id)).toHaveLength(base + 1);
    await h.request('PUT', '/v1/recipients', { body: { email: 'other@example.com' } });
    expect((await h.request('PATCH', `/v1/recipients/${created.id}`, { body: { email: 'Other@example.com' } })).status).toBe(409);
    expect(await events(created.id)).toHaveLength(base + 1);
  });
});
