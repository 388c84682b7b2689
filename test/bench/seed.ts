// A benchmark database: a migrated SQLite file with N recipients, seeded with raw better-sqlite3 in one
// transaction (the domain functions write a ledger event per change: right for the product, minutes here).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nowIso } from '../../src/core/ids.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createApiKey } from '../../src/domain/access/api-keys.js';
import { addressHash } from '../../src/domain/privacy/address-hash.js';
import { createCategory } from '../../src/domain/recipients/categories.js';

export const BENCH_ENV = {
  SIGNING_KEYS: 'bench:bench-signing-secret-0123456789abcdef0123',
  HASH_KEY: 'bench-hash-key-0123456789abcdef0123456789',
};

export interface Seeded {
  url: string;
  dir: string;
  categoryId: string;
  key: string;
  emails: string[];
}

export const addressOf = (i: number) => `user${i}@example.com`;

// UUID-shaped and time-ordered like newId(), without a million calls for random bytes.
export const benchId = (i: number) => `00000000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;

/** Every 4th recipient subscribes, every 10th unsubscribes, every 100th is suppressed. */
export async function seedDatabase(recipients: number): Promise<Seeded> {
  const dir = mkdtempSync(join(tmpdir(), 'mailprefs-bench-'));
  const url = `file:${join(dir, 'bench.db')}`;
  const handle = openDatabase(url);
  await migrateToLatest(handle.db);
  const category = await createCategory(handle.db, { key: 'news', name: 'News', kind: 'marketing', consent: 'opt_in' });
  const { key } = await createApiKey(handle.db, 'bench', ['eligibility:read']);
  const sqlite = handle.sqlite!;
  const at = nowIso();
  const insertRecipient = sqlite.prepare(
    'insert into recipients (id, email, email_normalized, external_id, locale, marketing_opt_out, created_at, updated_at) values (?, ?, ?, null, null, 0, ?, ?)',
  );
  const insertSubscription = sqlite.prepare('insert into subscriptions (recipient_id, category_id, status, source, updated_at) values (?, ?, ?, ?, ?)');
  const insertSuppression = sqlite.prepare(
    "insert into suppressions (id, email, email_normalized, email_hash, reason, note, created_at) values (?, ?, ?, ?, 'manual', null, ?)",
  );
  const emails: string[] = new Array(recipients);
  sqlite.transaction(() => {
    for (let i = 0; i < recipients; i++) {
      const email = addressOf(i);
      emails[i] = email;
      const id = benchId(i);
      insertRecipient.run(id, email, email, at, at);
      if (i % 4 === 0) insertSubscription.run(id, category.id, 'subscribed', 'import', at);
      else if (i % 10 === 0) insertSubscription.run(id, category.id, 'unsubscribed', 'import', at);
      if (i % 100 === 0) insertSuppression.run(benchId(recipients + i), email, email, addressHash(BENCH_ENV.HASH_KEY, email), at);
    }
  })();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.exec('analyze');
  await handle.close();
  return { url, dir, categoryId: category.id, key, emails };
}
