// A harness with notices going to a fake Resend on 127.0.0.1, plus categories and recipients to send to.

import { createOutboxTransport } from '../../src/domain/notices/outbox-transport.js';
import { createResendTransport } from '../../src/domain/notices/resend-transport.js';
import { type NoticeRuntime, TEMPLATES_DIR } from '../../src/domain/notices/runtime.js';
import { createTemplateStore } from '../../src/domain/notices/template-store.js';
import type { Transport } from '../../src/domain/notices/transport.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { type TestClock, testClock } from './clock.js';
import type { TestDialect } from './dialects.js';
import { type FakeResend, startFakeResend } from './fake-resend.js';
import { type Harness, makeHarness, TEST_ENV } from './harness.js';

export interface NoticeFixture {
  h: Harness;
  fake: FakeResend;
  transport: Transport;
  /** The transport's clock: its retries and pacing wait on it, never on real time. */
  clock: TestClock;
  close(): Promise<void>;
}

export const RESEND_ENV = { RESEND_API_KEY: 're_test_key', RESEND_MAX_RPS: '1000' };

export function testTransport(
  fake: FakeResend,
  extra: { maxAttempts?: number; maxRequestsPerSecond?: number } = {},
  clock: TestClock = testClock(),
): Transport {
  return createResendTransport({
    apiKey: 're_test_key',
    baseUrl: fake.url,
    maxRequestsPerSecond: 1000,
    baseDelayMs: 5,
    maxDelayMs: 3000,
    ...extra,
    now: clock.now,
    sleep: clock.sleep,
  });
}

export async function noticeFixture(dialect: TestDialect, env: Record<string, string> = {}): Promise<NoticeFixture> {
  const fake = await startFakeResend();
  const clock = testClock();
  const transport = testTransport(fake, {}, clock);
  const templates = createTemplateStore({ dir: TEMPLATES_DIR, publicUrl: TEST_ENV.PUBLIC_URL, watch: false });
  const h = await makeHarness(dialect, { ...RESEND_ENV, RESEND_BASE_URL: fake.url, ...env }, { notices: { templates, transport } });
  await seed(h);
  return {
    h,
    fake,
    transport,
    clock,
    close: async () => {
      await h.close();
      await fake.close();
    },
  };
}

/** news: marketing opt-in; product: marketing opt-out; receipts and policy: transactional. */
export async function seed(h: Harness): Promise<void> {
  const db = h.handle.db;
  await createCategory(db, { key: 'news', name: 'Weekly news', kind: 'marketing' });
  await createCategory(db, { key: 'product', name: 'Product updates', kind: 'marketing', consent: 'opt_out' });
  await createCategory(db, { key: 'receipts', name: 'Receipts', kind: 'transactional' });
  const ctx = { source: 'api' as const, actor: 'test' };
  await upsertRecipient(db, h.config.hashKey, { email: 'ada@example.com', externalId: 'u-1', subscriptions: { news: 'subscribed' } }, ctx);
  await upsertRecipient(db, h.config.hashKey, { email: 'bob@example.com', subscriptions: { news: 'unsubscribed' } }, ctx);
  await upsertRecipient(db, h.config.hashKey, { email: 'cy@example.com', marketingOptOut: true }, ctx);
}

export const NEWSLETTER = { headline: 'Hello <friends>', intro: 'Line one\nLine two', ctaLabel: 'Read', ctaUrl: 'https://example.com/post' };
export const RECEIPT = { orderNumber: 'A-1', amount: '€1.00', date: 'today', items: '1 × mug' };

/** The dev outbox, or a provider that is down while `down.now` is set. */
export function switchableOutbox(h: () => Harness, down: { now: boolean }): NoticeRuntime {
  const transport: Transport = {
    name: 'outbox',
    send: (call) => (down.now ? Promise.resolve({ ok: false, retryable: true, error: '503 down' }) : createOutboxTransport(h().handle.db).send(call)),
  };
  return { templates: createTemplateStore({ dir: TEMPLATES_DIR, publicUrl: TEST_ENV.PUBLIC_URL, watch: false }), transport };
}
