import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmUrlFor } from '../../src/domain/links/email-links.js';
import { type Harness, testDialects } from '../support/harness.js';
import { addRecipient, eventsOf, pathOf, postForm, seededHarness, stateOf } from '../support/page-fixtures.js';

describe.each(testDialects())('confirmation pages on %s', (dialect) => {
  let h: Harness;
  let eventsCategoryId: string;
  beforeAll(async () => {
    h = await seededHarness(dialect);
    eventsCategoryId = (await h.handle.db.selectFrom('categories').select('id').where('key', '=', 'events').executeTakeFirstOrThrow()).id;
  });
  afterAll(() => h.close());

  it('GET shows a button and changes nothing; POST confirms once', async () => {
    const id = await addRecipient(h, 'doi@example.com', { events: 'subscribed' });
    expect((await stateOf(h, id)).subs.events).toBe('pending');
    const path = pathOf(confirmUrlFor(h.config, id, eventsCategoryId));
    const page = await h.app.request(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<button type="submit">Confirm subscription<\/button>/);
    expect((await stateOf(h, id)).subs.events).toBe('pending');

    const res = await postForm(h, path, {});
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are subscribed to “Events”');
    expect((await stateOf(h, id)).subs.events).toBe('subscribed');
    expect((await eventsOf(h, id)).at(-1)).toMatchObject({ type: 'subscribed', source: 'confirmation', actor: 'recipient' });

    const again = await postForm(h, path, {});
    expect(again.status).toBe(200);
    expect((await eventsOf(h, id)).filter((e) => e.source === 'confirmation')).toHaveLength(1);
  });

  it('an old link does not resubscribe someone who refused since', async () => {
    const id = await addRecipient(h, 'refused@example.com', { events: 'unsubscribed' });
    const res = await postForm(h, pathOf(confirmUrlFor(h.config, id, eventsCategoryId)), {});
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('There is nothing to confirm');
    expect((await stateOf(h, id)).subs.events).toBe('unsubscribed');
  });

  it('refuses a cross-site confirmation', async () => {
    const id = await addRecipient(h, 'csrf-doi@example.com', { events: 'subscribed' });
    const res = await postForm(h, pathOf(confirmUrlFor(h.config, id, eventsCategoryId)), {}, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await stateOf(h, id)).subs.events).toBe('pending');
  });
});
