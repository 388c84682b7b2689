// The stored matching keys of addresses, read and rewritten by `mailprefs doctor addresses` when the
// canonical form changes (src/core/email.ts). Nothing else writes keys in bulk.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface StoredRecipientKey {
  id: string;
  email: string;
  key: string;
}

export interface StoredSuppressionKey {
  id: string;
  key: string;
  hash: string;
  reason: string;
}

// Recipients page by page in id order, with their address and its stored key.
export async function listRecipientKeysAfter(db: Kysely<Database>, afterId: string, limit: number): Promise<StoredRecipientKey[]> {
  const rows = await db.selectFrom('recipients').select(['id', 'email', 'email_normalized']).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, email: r.email, key: r.email_normalized }));
}

// Suppressions that still hold a key (erased ones keep only the hash), page by page in id order.
export async function listSuppressionKeysAfter(db: Kysely<Database>, afterId: string, limit: number): Promise<StoredSuppressionKey[]> {
  const rows = await db
    .selectFrom('suppressions')
    .select(['id', 'email_normalized', 'email_hash', 'reason'])
    .where('id', '>', afterId)
    .where('email_normalized', 'is not', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, key: r.email_normalized!, hash: r.email_hash, reason: r.reason }));
}

// Sets the keys of the given recipients. Every row first takes a placeholder unique to it, so a key
// moving from one row to another never meets the unique index half-way.
export async function rewriteRecipientKeys(db: Kysely<Database>, changes: readonly { id: string; key: string }[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const c of changes)
      await trx
        .updateTable('recipients')
        .set({ email_normalized: `rekey:${c.id}` })
        .where('id', '=', c.id)
        .execute();
    for (const c of changes) await trx.updateTable('recipients').set({ email_normalized: c.key }).where('id', '=', c.id).execute();
  });
}

// Sets the key and keyed hash of the given suppressions, in one transaction (placeholders first, as above:
// (email_hash, reason) is unique).
export async function rewriteSuppressionKeys(db: Kysely<Database>, changes: readonly { id: string; key: string; hash: string }[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const c of changes)
      await trx
        .updateTable('suppressions')
        .set({ email_hash: `rekey:${c.id}` })
        .where('id', '=', c.id)
        .execute();
    for (const c of changes) await trx.updateTable('suppressions').set({ email_normalized: c.key, email_hash: c.hash }).where('id', '=', c.id).execute();
  });
}
