// After an erasure the person's bytes must be gone from storage, not just from query results
// (GDPR Art. 17). SQLite: the database file and its WAL, read as raw bytes. PostgreSQL: every row of
// every table (its files keep dead tuples until VACUUM, which docs/operations.md "Erased bytes" tells operators to run).
import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';
import { switchableOutbox } from '../support/notices-fixture.js';
import { seedCategories, seedPerson } from '../support/privacy-seed.js';

const TABLES = [
  'categories',
  'recipients',
  'subscriptions',
  'suppressions',
  'consent_events',
  'api_keys',
  'notices',
  'notice_events',
  'dev_outbox',
  'webhook_receipts',
];

const receipt = (name: string) => ({ orderNumber: 'B-9', amount: '€9', date: 'today', items: `1 × teapot for ${name}` });

describe.each(testDialects())('erased bytes on %s', (dialect) => {
  let h: Harness;
  const down = { now: false };
  beforeAll(async () => {
    h = await makeHarness(dialect, {}, { notices: switchableOutbox(() => h, down) });
    await seedCategories(h);
  });
  afterAll(() => h.close());

  async function storedText(): Promise<string> {
    if (h.dialect === 'sqlite') {
      const path = h.config.databaseUrl.replace(/^file:/, '');
      const wal = existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`) : Buffer.alloc(0);
      return Buffer.concat([readFileSync(path), wal]).toString('latin1');
    }
    const parts: string[] = [];
    for (const table of TABLES) {
      const { rows } = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(table)} t`.execute(h.handle.db);
      parts.push(...rows.map((r) => r.row));
    }
    return parts.join('\n');
  }

  it('leaves neither the address, nor the name, nor the IP, nor the user agent of the erased person', async () => {
    const victim = await seedPerson(h, 'victim', { suppress: true });
    const bystander = await seedPerson(h, 'bystander');
    const name = 'Zebediah Quorndale';
    // Notices rendered with the name: one sent (outbox copy), one queued (its whole message kept to
    // resume), and one under an idempotency key that names the person.
    const notice = (to: string, data: object, idempotencyKey?: string) =>
      h.request('POST', '/v1/notices', { body: { to, category: 'receipts', template: 'receipt', data, idempotencyKey } });
    expect((await (await notice(victim.email, receipt(name), `order-for-${name.replace(' ', '-')}`)).json()).status).toBe('sent');
    expect((await (await notice(bystander.email, receipt('Bystander Bertram'))).json()).status).toBe('sent');
    down.now = true;
    expect((await (await notice(victim.id, receipt(`${name} queued`))).json()).status).toBe('queued');
    down.now = false;
    // Part of the victim's data in the main file, part only in the WAL: both must be cleaned.
    h.handle.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
    await upsertRecipient(
      h.handle.db,
      h.config.hashKey,
      { email: victim.email, subscriptions: { news: 'unsubscribed' } },
      { source: 'preference_page', actor: 'recipient', ip: victim.ip, userAgent: `${victim.userAgent} late` },
    );

    const secrets = [victim.email, victim.email.toLowerCase(), victim.ip, victim.userAgent, name, name.replace(' ', '-')];
    const before = await storedText();
    for (const s of secrets) expect(before).toContain(s);

    const res = await h.request('DELETE', `/v1/recipients/${encodeURIComponent(victim.email)}`);
    expect(res.status).toBe(204);

    const after = await storedText();
    for (const s of secrets) expect(after).not.toContain(s);
    expect(after).toContain(bystander.email.toLowerCase());
    expect(after).toContain(bystander.userAgent);
    expect(after).toContain('Bystander Bertram');
  });
});
