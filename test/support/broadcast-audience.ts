// The audience of the broadcast tests, on top of the notices fixture's seed (ada: news subscribed, bob:
// news unsubscribed, cy: refused all marketing): a transactional `policy` category and five more people.

import type { DispatchContext } from '../../src/domain/notices/dispatch.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { addSuppression } from '../../src/domain/recipients/suppressions.js';
import type { FakeResend } from './fake-resend.js';
import type { NoticeFixture } from './notices-fixture.js';

export const POLICY = {
  policyName: 'Privacy Policy',
  summary: 'We keep tickets 12 months.\nNothing else changes.',
  effectiveDate: '1 January 2027',
  policyUrl: 'https://example.com/privacy',
};

export const EVERYONE = [
  'ada@example.com',
  'bob@example.com',
  'cy@example.com',
  'dora@example.com',
  'eve@example.com',
  'finn@example.com',
  'gone@example.com',
  'hal@example.com',
];

export async function seedAudience(f: NoticeFixture): Promise<void> {
  const { db } = f.h.handle;
  const { hashKey } = f.h.config;
  const ctx = { source: 'api' as const, actor: 'test' };
  await createCategory(db, { key: 'policy', name: 'Policy changes', kind: 'transactional' });
  for (const [email, subscriptions] of [
    ['dora@example.com', { news: 'subscribed' }],
    ['eve@example.com', {}],
    ['finn@example.com', {}],
    ['gone@example.com', { news: 'subscribed' }],
    ['hal@example.com', { news: 'subscribed' }],
  ] as const) {
    await upsertRecipient(db, hashKey, { email, subscriptions }, ctx);
  }
  await addSuppression(db, hashKey, { email: 'dora@example.com', reason: 'manual' }, ctx);
  await addSuppression(db, hashKey, { email: 'gone@example.com', reason: 'hard_bounce' }, ctx);
}

export function dispatchContext(f: NoticeFixture, runtime: DispatchContext['runtime']): DispatchContext {
  return { db: f.h.handle.db, config: f.h.config, runtime, actor: 'test' };
}

/** Addresses the fake provider accepted since call number `from`, one entry per email, sorted. */
export function mailedSince(fake: FakeResend, from: number): string[] {
  return fake.calls
    .slice(from)
    .flatMap((c) => c.emails.map((e) => e.to[0]!))
    .sort();
}
