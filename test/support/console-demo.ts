// Example data for the console's browser tests and its screenshots: people with histories, notices,
// and thirty days of daily counters shaped like a real list (written straight into the counters table,
// as the changes of those days would have).
import { sql } from 'kysely';
import { newId } from '../../src/core/ids.js';
import { unsubscribeFromCategory } from '../../src/domain/consent/unsubscribe.js';
import { getCategory } from '../../src/domain/recipients/categories.js';
import { patchRecipient, upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { addSuppression } from '../../src/domain/recipients/suppressions.js';
import type { Harness } from './harness.js';

const DAY_MS = 86_400_000;

export async function seedConsoleDemo(h: Harness, now = new Date()): Promise<{ ada: string; bob: string; lena: string }> {
  const db = h.handle.db;
  const form = {
    source: 'import' as const,
    actor: 'system',
    ip: '198.51.100.23',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
    text: 'Sign-up form v3: “Send me the weekly newsletter.”',
  };
  const ada = await upsertRecipient(
    db,
    h.config.hashKey,
    { email: 'ada@example.com', externalId: 'crm-1001', locale: 'en', subscriptions: { newsletter: 'subscribed' } },
    form,
  );
  const bob = await upsertRecipient(
    db,
    h.config.hashKey,
    { email: 'bob@example.com', externalId: 'crm-1002', subscriptions: { newsletter: 'subscribed', events: 'subscribed' } },
    form,
  );
  await upsertRecipient(db, h.config.hashKey, { email: 'carol@example.com', subscriptions: { newsletter: 'subscribed' } }, { source: 'api', actor: 'system' });
  const pageCtx = {
    source: 'unsubscribe_page' as const,
    actor: 'recipient',
    ip: '203.0.113.9',
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1) Safari/604.1',
  };
  await unsubscribeFromCategory(db, ada.recipient.id, await getCategory(db, 'offers'), pageCtx);
  // Lena's history, for the screenshot of a timeline: a form, a double opt-in and a one-click opt-out.
  const lena = await upsertRecipient(
    db,
    h.config.hashKey,
    { email: 'lena.fischer@example.com', externalId: 'crm-2042', locale: 'de', subscriptions: { newsletter: 'subscribed' } },
    form,
  );
  const lenaId = lena.recipient.id;
  const browser = { ip: '192.0.2.77', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Safari/18.1' };
  await patchRecipient(
    db,
    h.config.hashKey,
    lenaId,
    { subscriptions: { events: 'subscribed' } },
    { source: 'preference_page', actor: 'recipient', ...browser, text: 'Preference page v2: “Invitations to tastings and talks near you.”' },
  );
  await patchRecipient(db, h.config.hashKey, lenaId, { subscriptions: { events: 'subscribed' } }, { source: 'confirmation', actor: 'recipient', ...browser });
  await unsubscribeFromCategory(db, lenaId, await getCategory(db, 'newsletter'), { source: 'one_click', actor: 'recipient' });
  await addSuppression(
    db,
    h.config.hashKey,
    { email: 'dave@example.com', reason: 'hard_bounce', note: 'Resend: permanent bounce' },
    { source: 'webhook', actor: 'system' },
  );

  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS).toISOString();
  await db
    .insertInto('notices')
    .values(
      [
        { status: 'delivered' as const, template: 'newsletter', category: 'newsletter', reason: null, ago: 3 },
        // A failed notice keeps no reason (that column is a skipped notice's eligibility answer): its error is in last_error.
        { status: 'failed' as const, template: 'newsletter', category: 'newsletter', reason: null, ago: 2 },
        { status: 'sent' as const, template: 'receipt', category: 'receipts', reason: null, ago: 1 },
      ]
        .flatMap((n) => [
          { ...n, to: 'ada' },
          { ...n, to: 'lena' },
        ])
        .map((n) => ({
          id: newId(),
          idempotency_key: null,
          request_hash: null,
          recipient_id: n.to === 'ada' ? ada.recipient.id : lenaId,
          to_address: n.to === 'ada' ? 'ada@example.com' : 'lena.fischer@example.com',
          to_normalized: n.to === 'ada' ? 'ada@example.com' : 'lena.fischer@example.com',
          category_key: n.category,
          template: n.template,
          status: n.status,
          reason: n.reason,
          provider_key: null,
          provider_id: null,
          from_address: null,
          subject: null,
          html: null,
          text: null,
          headers: null,
          attempts: 1,
          last_error: n.status === 'failed' ? 'provider_rejected' : null,
          created_at: at(n.ago),
          updated_at: at(n.ago),
        })),
    )
    .execute();

  // A month of history: a weekly rhythm, a campaign bump, a complaint spike that crosses 0.1%.
  const rows: { day: string; metric: string; category_key: string; source: string; count: number }[] = [];
  for (let d = 29; d >= 0; d--) {
    const day = at(d).slice(0, 10);
    const weekday = new Date(at(d)).getUTCDay();
    // Today is a day under way: about a third of a full one.
    const wave = (weekday === 0 || weekday === 6 ? 0.5 : 1) * (d === 0 ? 0.35 : 1);
    const campaign = d === 12 || d === 11 ? 2.4 : 1;
    const sent = Math.round(4200 * wave * campaign);
    const push = (metric: string, count: number, source = '', category = 'newsletter') => {
      if (count > 0) rows.push({ day, metric, category_key: category, source, count });
    };
    push('subscribed', Math.round((60 + (d % 7) * 9) * wave * campaign), 'api');
    push('subscribed', Math.round(18 * wave), 'preference_page');
    push('unsubscribed', Math.round((14 + (d % 5) * 3) * campaign), 'one_click');
    push('unsubscribed', Math.round(6 * wave * campaign), 'unsubscribe_page');
    push('unsubscribed', Math.round(3 * wave), 'preference_page');
    push('unsubscribed', d % 4 === 0 ? 4 : 1, 'api');
    push('unsubscribed', d === 20 ? 40 : 0, 'import');
    push('marketing_opt_out', d === 11 ? 9 : d % 6 === 0 ? 2 : 0, 'webhook', '');
    push('notice_sent', sent, '');
    push('notice_delivered', Math.round(sent * 0.985), '');
    push('notice_bounced', Math.round(sent * (d === 11 ? 0.004 : 0.0012)), '');
    push('notice_complained', Math.round(sent * (d === 11 ? 0.0021 : 0.0004)), '');
    push('notice_failed', d % 9 === 0 ? 14 : 2, '');
    // Opt-outs reaching the CRM's webhook: mostly within a second or two; on day 8 it was down for hours.
    const outage = d === 8;
    push('webhook_opt_out_le_1', outage ? 3 : 20 + (d % 4) * 3);
    push('webhook_opt_out_le_2', outage ? 1 : 4);
    push('webhook_opt_out_le_10', outage ? 0 : d % 3);
    push('webhook_opt_out_le_3600', outage ? 9 : 0);
    push('webhook_opt_out_le_21600', outage ? 12 : 0);
  }
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('daily_stats')
      .values(rows.slice(i, i + 200))
      // Today already has the counters of the changes made above.
      .onConflict((oc) => oc.columns(['day', 'metric', 'category_key', 'source']).doUpdateSet({ count: sql`daily_stats.count + excluded.count` }))
      .execute();
  return { ada: ada.recipient.id, bob: bob.recipient.id, lena: lenaId };
}
