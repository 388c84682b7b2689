// Mail carries only the links meant for its recipient (issue 10). Every template is checked: one sent
// to an address that is not (yet) the person's has no link into their account, and the email-change
// mail as really sent (system mail, dev outbox) reaches nothing of the account but its one /e link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { verifiedPreferencesUrlFor } from '../../src/domain/links/email-links.js';
import { dispatchNotices } from '../../src/domain/notices/dispatch.js';
import { createMailQueue } from '../../src/domain/notices/mail-queue.js';
import { createOutboxTransport } from '../../src/domain/notices/outbox-transport.js';
import { renderEmail } from '../../src/domain/notices/render.js';
import { TEMPLATES_DIR } from '../../src/domain/notices/runtime.js';
import { validateData } from '../../src/domain/notices/template-spec.js';
import { createTemplateStore } from '../../src/domain/notices/template-store.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { type Harness, makeHarness, TEST_ENV, testDialects } from '../support/harness.js';

const config = parseConfig(TEST_ENV);
const store = createTemplateStore({ dir: TEMPLATES_DIR, publicUrl: config.publicUrl, watch: false });
const ACCOUNT_LINKS = {
  preferencesUrl: 'https://prefs.example.test/p/ACCOUNT-PREFS',
  unsubscribeUrl: 'https://prefs.example.test/u/ACCOUNT-UNSUB',
  oneClickUrl: 'https://prefs.example.test/u/ACCOUNT-UNSUB',
};
const urlsIn = (s: string) => [...s.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0].replace(/&amp;/g, '&'));

describe('every template', () => {
  it.each(store.names())('%s links only to what is meant for whoever reads the address', async (name) => {
    const t = await store.get(name);
    const data = validateData(t.schema, t.spec.example);
    const email = renderEmail(t, data, { config, categoryName: 'Things', links: ACCOUNT_LINKS });
    const dataUrls = new Set(Object.values(data).filter((v) => /^https?:/.test(v)));
    for (const part of [email.html, email.text]) {
      for (const url of urlsIn(part)) {
        const meantForAnyone = dataUrls.has(url) || url.startsWith('http://www.w3.org/') || url.startsWith('https://www.w3.org/');
        if (t.spec.unconfirmedAddress) expect(meantForAnyone, `${name} links to ${url}`).toBe(true);
        else expect(meantForAnyone || Object.values(ACCOUNT_LINKS).includes(url), `${name} links to ${url}`).toBe(true);
      }
      if (t.spec.unconfirmedAddress) expect(part).not.toMatch(/ACCOUNT-/);
    }
  });

  it('the email-change template is marked as mail to an unconfirmed address', async () => {
    expect((await store.get('email-change')).spec.unconfirmedAddress).toBe(true);
  });
});

describe.each(testDialects())('mail to a new address on %s', (dialect) => {
  let h: Harness;
  const queue = createMailQueue();
  let id: string;
  beforeAll(async () => {
    h = await makeHarness(dialect, {}, { mailQueue: queue });
    ({
      recipient: { id },
    } = await upsertRecipient(h.handle.db, h.config.hashKey, { email: 'owner@example.com' }, { source: 'api', actor: 'test' }));
  });
  afterAll(() => h.close());

  it('the email-change mail, as sent, carries its /e link and nothing of the account', async () => {
    // Verified, as after the step-up (the request itself is tested in test/pages/step-up.test.ts).
    const prefs = new URL(verifiedPreferencesUrlFor(h.config, id)).pathname;
    const res = await h.app.request(`${prefs}/email`, {
      method: 'POST',
      body: new URLSearchParams({ email: 'typo@example.com' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_ENV.PUBLIC_URL },
    });
    expect(res.status).toBe(200);
    await queue.idle();
    const mail = await h.handle.db.selectFrom('dev_outbox').selectAll().where('to_address', '=', 'typo@example.com').executeTakeFirstOrThrow();
    const links = [...new Set([...urlsIn(mail.html), ...urlsIn(mail.text)].filter((u) => u.startsWith(TEST_ENV.PUBLIC_URL)))];
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/^https:\/\/prefs\.example\.test\/e\/[A-Za-z0-9._-]+$/);
    expect(JSON.parse(mail.headers ?? '{}')).not.toHaveProperty('List-Unsubscribe');

    // What the stranger at that address reaches from it: a confirmation, and no way into the account.
    const path = new URL(links[0]!).pathname;
    for (const page of [
      await h.app.request(path),
      await h.app.request(path, { method: 'POST', body: '', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_ENV.PUBLIC_URL } }),
    ]) {
      expect(page.status).toBe(200);
      expect(await page.text()).not.toMatch(/\/p\/|\/u\//);
    }
  });

  it('refuses to render a template with account links for an address that is not the person’s', async () => {
    const template = await store.get('preferences-link');
    const category = { id: 'system', key: 'system', name: 'account', kind: 'transactional', consent: 'opt_out', archived: false } as const;
    const ctx = {
      db: h.handle.db,
      config: h.config,
      runtime: { templates: store, transport: createOutboxTransport(h.handle.db) },
      actor: 'system',
    };
    await expect(
      dispatchNotices(ctx, category, template, [{ email: 'stranger@example.com', recipientId: id, data: { link: 'https://prefs.example.test/p/x' } }]),
    ).rejects.toThrow(/not for an unconfirmed address/);
  });
});
