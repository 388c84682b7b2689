// `mailprefs demo`: an empty development database filled with enough to click through: marketing and
// transactional categories, a few recipients in different states, and notices kept in the dev outbox.
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import { AppError } from './core/errors.js';
import type { Database } from './db/schema.js';
import { dispatchNotices } from './domain/notices/dispatch.js';
import type { NoticeRuntime } from './domain/notices/runtime.js';
import { createCategory, listCategories } from './domain/recipients/categories.js';
import { upsertRecipient } from './domain/recipients/recipients.js';

const PEOPLE = [
  { email: 'ada@example.com', subscriptions: { newsletter: 'subscribed' as const } },
  { email: 'grace@example.com', subscriptions: { newsletter: 'subscribed' as const } },
  { email: 'alan@example.com', subscriptions: { newsletter: 'unsubscribed' as const } },
  { email: 'edsger@example.com', marketingOptOut: true },
];

export async function fillDemo(db: Kysely<Database>, config: Config, runtime: NoticeRuntime): Promise<{ sent: number; skipped: number }> {
  if ((await listCategories(db)).length > 0) throw new AppError('conflict', 'The database is not empty; the demo only fills an empty one.');
  const newsletter = await createCategory(db, {
    key: 'newsletter',
    name: 'Monthly newsletter',
    kind: 'marketing',
    description: 'News and stories, once a month.',
  });
  await createCategory(db, { key: 'product-updates', name: 'Product updates', kind: 'marketing', consent: 'opt_out' });
  const receipts = await createCategory(db, { key: 'receipts', name: 'Receipts', kind: 'transactional' });
  const ctx = { source: 'import' as const, actor: 'demo' };
  for (const person of PEOPLE) await upsertRecipient(db, config.hashKey, person, ctx);

  const send = { db, config, runtime, actor: 'demo' };
  const newsletterTemplate = await runtime.templates.get('newsletter');
  const receiptTemplate = await runtime.templates.get('receipt');
  const results = [
    ...(await dispatchNotices(
      send,
      newsletter,
      newsletterTemplate,
      PEOPLE.map((p) => ({ email: p.email, data: newsletterTemplate.spec.example })),
    )),
    ...(await dispatchNotices(send, receipts, receiptTemplate, [{ email: 'ada@example.com', data: receiptTemplate.spec.example }])),
  ];
  return { sent: results.filter((r) => r.status === 'sent').length, skipped: results.filter((r) => r.status === 'skipped').length };
}
