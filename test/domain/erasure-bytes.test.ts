// After an erasure the person's bytes must be gone from storage, not just from query results
// (GDPR Art. 17). SQLite: the database file and its WAL, read as raw bytes. PostgreSQL: every row of
// every table (its files keep dead tuples until VACUUM, which the README tells operators to run).
import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertRecipient } from '../../src/domain/recipients.js';
import { makeHarness, testDialects, type Harness } from '../support/harness.js';
import { seedCategories, seedPerson } from '../support/privacy-seed.js';

const TABLES = ['categories', 'recipients', 'subscriptions', 'suppressions', 'consent_events', 'api_keys'];

describe.each(testDialects())('erased bytes on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect);
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

  it('leaves neither the address, nor the IP, nor the user agent of the erased person', async () => {
    const victim = await seedPerson(h, 'victim', { suppress: true });
    const bystander = await seedPerson(h, 'bystander');
    // Part of the victim's data in the main file, part only in the WAL: both must be cleaned.
    h.handle.sqlite?.pragma('wal_checkpoint(TRUNCATE)');
    await upsertRecipient(h.handle.db, h.config.hashKey, { email: victim.email, subscriptions: { news: 'unsubscribed' } }, { source: 'preference_page', actor: 'recipient', ip: victim.ip, userAgent: `${victim.userAgent} late` });

    const secrets = [victim.email, victim.email.toLowerCase(), victim.ip, victim.userAgent];
    const before = await storedText();
    for (const s of secrets) expect(before).toContain(s);

    const res = await h.request('DELETE', `/v1/recipients/${encodeURIComponent(victim.email)}`);
    expect(res.status).toBe(204);

    const after = await storedText();
    for (const s of secrets) expect(after).not.toContain(s);
    expect(after).toContain(bystander.email.toLowerCase());
    expect(after).toContain(bystander.userAgent);
  });
});
