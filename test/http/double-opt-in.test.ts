// A subscription that becomes pending through the API is sent its confirmation mail, after the change
// commits, through the real notices path (SDK → fake Resend on 127.0.0.1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../src/domain/links/tokens.js';
import { resumeQueuedNotices } from '../../src/domain/notices/resume.js';
import { TEMPLATES_DIR } from '../../src/domain/notices/runtime.js';
import { createTemplateStore } from '../../src/domain/notices/template-store.js';
import { createCategory, getCategory } from '../../src/domain/recipients/categories.js';
import { addSuppression } from '../../src/domain/recipients/suppressions.js';
import { testDialects } from '../support/harness.js';
import { type NoticeFixture, noticeFixture } from '../support/notices-fixture.js';

describe.each(testDialects())('double opt-in mail on %s', (dialect) => {
  let f: NoticeFixture;
  let writer: string;
  beforeAll(async () => {
    f = await noticeFixture(dialect);
    writer = await f.h.key('recipients:write');
    await createCategory(f.h.handle.db, { key: 'digest', name: 'Digest <b>weekly</b> & more', kind: 'marketing', doubleOptIn: true });
    await createCategory(f.h.handle.db, { key: 'alerts', name: 'Price alerts', kind: 'marketing', doubleOptIn: true });
  });
  afterAll(() => f.close());

  const put = (body: unknown) => f.h.request('PUT', '/v1/recipients', { key: writer, body });
  const mailsTo = (email: string) => f.fake.calls.flatMap((c) => c.emails).filter((e) => e.to.includes(email));
  const confirmLinks = (text: string) => [...text.matchAll(/https:\/\/prefs\.example\.test\/c\/([A-Za-z0-9._-]+)/g)].map((m) => m[1]!);

  it('sends a confirmation with a signed /c link when PUT makes a subscription pending', async () => {
    const res = await put({ email: 'Dora@Example.com', subscriptions: { digest: 'subscribed', news: 'subscribed' } });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.subscriptions.digest.status).toBe('pending');
    const mails = mailsTo('Dora@Example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Please confirm your subscription to Digest <b>weekly</b> & more');
    // The category name is escaped in the HTML: a hostile name cannot inject markup.
    expect(mails[0]!.html).toContain('Digest &lt;b&gt;weekly&lt;/b&gt; &amp; more');
    expect(mails[0]!.html).not.toContain('<b>weekly</b>');
    // Not marketing mail: no RFC 8058 unsubscribe headers on a confirmation.
    expect(mails[0]!.headers ?? {}).not.toHaveProperty('List-Unsubscribe');
    const [token] = confirmLinks(mails[0]!.text);
    expect(confirmLinks(mails[0]!.html)).toContain(token);
    const claims = verifyToken(f.h.config.signingKeys, token!, 'confirm');
    expect(claims).toMatchObject({ subjectId: body.id, categoryId: (await getCategory(f.h.handle.db, 'digest')).id });
  });

  it('sends one per newly pending category on PATCH, none for a plain opt-in or an already pending one', async () => {
    const created = await (await put({ email: 'eve@example.com', subscriptions: { news: 'subscribed' } })).json();
    expect(mailsTo('eve@example.com')).toHaveLength(0);
    const res = await f.h.request('PATCH', `/v1/recipients/${created.id}`, {
      key: writer,
      body: { subscriptions: { digest: 'subscribed', alerts: 'subscribed' } },
    });
    expect(res.status).toBe(200);
    const subjects = mailsTo('eve@example.com')
      .map((m) => m.subject)
      .sort();
    expect(subjects).toEqual(['Please confirm your subscription to Digest <b>weekly</b> & more', 'Please confirm your subscription to Price alerts']);
    const tokens = mailsTo('eve@example.com')
      .map((m) => verifyToken(f.h.config.signingKeys, confirmLinks(m.text)[0]!, 'confirm')!.categoryId)
      .sort();
    expect(tokens).toEqual([(await getCategory(f.h.handle.db, 'alerts')).id, (await getCategory(f.h.handle.db, 'digest')).id].sort());

    // Asking again while pending changes nothing and sends nothing.
    expect((await put({ email: 'eve@example.com', subscriptions: { digest: 'subscribed' } })).status).toBe(200);
    expect(mailsTo('eve@example.com')).toHaveLength(2);
  });

  it('keeps the confirmation queued when Resend is down and sends it on resume, the change committed', async () => {
    f.fake.failNext(503, 4);
    const res = await put({ email: 'fay@example.com', subscriptions: { digest: 'subscribed' } });
    expect(res.status).toBe(201);
    expect((await res.json()).subscriptions.digest.status).toBe('pending');
    expect(mailsTo('fay@example.com')).toHaveLength(0);
    const runtime = { templates: createTemplateStore({ dir: TEMPLATES_DIR, publicUrl: f.h.config.publicUrl, watch: false }), transport: f.transport };
    expect(await resumeQueuedNotices(f.h.handle.db, runtime)).toMatchObject({ sent: 1 });
    const [mail] = mailsTo('fay@example.com');
    expect(mail!.subject).toContain('Digest');
    expect(verifyToken(f.h.config.signingKeys, confirmLinks(mail!.text)[0]!, 'confirm')).toBeDefined();
  });

  it('does not mail a hard-bounced address, yet records the pending request', async () => {
    await addSuppression(f.h.handle.db, f.h.config.hashKey, { email: 'gone@example.com', reason: 'hard_bounce' }, { source: 'webhook', actor: 'resend' });
    const res = await put({ email: 'gone@example.com', subscriptions: { digest: 'subscribed' } });
    expect(res.status).toBe(201);
    expect((await res.json()).subscriptions.digest.status).toBe('pending');
    expect(mailsTo('gone@example.com')).toHaveLength(0);
  });

  it('refuses hostile subscription keys with a 422 and sends nothing', async () => {
    const before = f.fake.calls.length;
    for (const key of ["digest'; DROP TABLE notices;--", '<script>alert(1)</script>', 'digest\r\nBcc: x@example.com']) {
      const res = await put({ email: 'hal@example.com', subscriptions: { [key]: 'subscribed' } });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(f.fake.calls.length).toBe(before);
  });
});
