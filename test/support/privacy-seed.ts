// A person with profile, subscriptions, consent events carrying IP and user agent, and a suppression:
// every kind of personal data the privacy tests look for.
import { createCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { addSuppression } from '../../src/domain/recipients/suppressions.js';
import type { Harness } from './harness.js';

export async function seedCategories(h: Harness): Promise<void> {
  await createCategory(h.handle.db, { key: 'news', name: 'Newsletter', kind: 'marketing' });
  await createCategory(h.handle.db, { key: 'digest', name: 'Weekly digest', kind: 'marketing', doubleOptIn: true });
  await createCategory(h.handle.db, { key: 'receipts', name: 'Receipts', kind: 'transactional' });
}

export interface SeededPerson {
  id: string;
  email: string;
  ip: string;
  userAgent: string;
}

export async function seedPerson(h: Harness, tag: string, opts: { suppress?: boolean } = {}): Promise<SeededPerson> {
  const email = `Person.${tag}@Example.test`;
  const ip = `198.51.100.${(tag.length * 7) % 250}:${tag}`;
  const userAgent = `UniqueAgent-${tag}/1.0`;
  const ctx = { source: 'api' as const, actor: 'key:seed', ip, userAgent, text: 'Yes, send me news' };
  const { recipient } = await upsertRecipient(
    h.handle.db,
    h.config.hashKey,
    { email, externalId: `crm-${tag}`, locale: 'fr-BE', subscriptions: { news: 'subscribed', digest: 'subscribed' } },
    ctx,
  );
  if (opts.suppress) {
    await addSuppression(h.handle.db, h.config.hashKey, { email, reason: 'manual', note: `asked by phone, ${email}` }, ctx);
  }
  return { id: recipient.id, email, ip, userAgent };
}
