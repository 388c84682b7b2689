// A recipient for an address that mail is about to go to, made with no consent at all: transactional
// mail may go to an address never seen, and its footer's preferences link needs someone to point at.
// Narrower than upsertRecipient on purpose: sending must never change what a person agreed to.
import type { Kysely } from 'kysely';
import { normalizeEmail } from '../../core/email.js';
import { newId, nowIso } from '../../core/ids.js';
import { findRecipient, insertRecipient } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { relinkErasedSuppression } from '../../db/suppressions.js';
import { inTransaction } from '../../db/transaction.js';
import { addressHash } from '../privacy/address-hash.js';

/** The id of the recipient with this address, made now if there is none. */
export async function ensureRecipient(db: Kysely<Database>, hashKey: string, email: string): Promise<string> {
  return inTransaction(db, async (trx) => {
    const byEmail = { by: 'email', value: normalizeEmail(email) } as const;
    const found = await findRecipient(trx, byEmail);
    if (found) return found.id;
    const at = nowIso();
    const row = { id: newId(), email: email.trim(), externalId: null, locale: null, marketingOptOut: false, createdAt: at, updatedAt: at };
    if (await insertRecipient(trx, row)) {
      // An erased person's suppression follows their address back (src/domain/privacy/erasure.ts).
      await relinkErasedSuppression(trx, addressHash(hashKey, row.email), normalizeEmail(row.email));
      return row.id;
    }
    // A concurrent insert stored the address first.
    return (await findRecipient(trx, byEmail))!.id;
  });
}
