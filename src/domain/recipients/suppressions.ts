// Suppressions: addresses that must not be mailed. Each change is a consent event.
import type { Kysely } from 'kysely';
import { normalizeEmail } from '../../core/email.js';
import { conflict, notFound } from '../../core/errors.js';
import { newId, nowIso } from '../../core/ids.js';
import type { ConsentContext, SuppressionReason } from '../../core/vocabulary.js';
import { appendConsentEvents } from '../../db/consent-events.js';
import { findRecipient } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { deleteLiftableSuppressions, findSuppressionsByHash, insertSuppression, listSuppressionsAfter, type SuppressionRow } from '../../db/suppressions.js';
import { inTransaction } from '../../db/transaction.js';
import { addressHash } from '../privacy/address-hash.js';

export interface Suppression {
  id: string;
  /** Null for `erased`: only the keyed hash is kept. */
  email: string | null;
  reason: SuppressionReason;
  note: string | null;
  createdAt: string;
}

const toSuppression = (r: SuppressionRow): Suppression => ({ id: r.id, email: r.email, reason: r.reason, note: r.note, createdAt: r.created_at });

/** Adds a suppression; `created` is false when the address already had one for this reason. */
export async function addSuppression(
  db: Kysely<Database>,
  hashKey: string,
  input: { email: string; reason: Exclude<SuppressionReason, 'erased'>; note?: string | null },
  ctx: ConsentContext,
): Promise<{ suppression: Suppression; created: boolean }> {
  const email = input.email.trim();
  const hash = addressHash(hashKey, email);
  return inTransaction(db, async (trx) => {
    // The person's row first, as every consent change does, so that lock order is the same everywhere.
    const recipient = await findRecipient(trx, { by: 'email', value: normalizeEmail(email) }, { forUpdate: true });
    const at = nowIso();
    const row: SuppressionRow = {
      id: newId(),
      email,
      email_normalized: normalizeEmail(email),
      email_hash: hash,
      reason: input.reason,
      note: input.note ?? null,
      created_at: at,
    };
    const created = await insertSuppression(trx, row);
    if (!created) {
      const existing = (await findSuppressionsByHash(trx, hash)).find((s) => s.reason === input.reason)!;
      return { suppression: toSuppression(existing), created: false };
    }
    await appendConsentEvents(trx, [
      {
        type: 'suppressed',
        recipientId: recipient?.id ?? null,
        categoryKey: null,
        source: ctx.source,
        actor: ctx.actor,
        detail: { reason: input.reason },
        at,
        subject: { email, emailHash: hash },
      },
    ]);
    return { suppression: toSuppression(row), created: true };
  });
}

/** Lifts every suppression of an address but `erased`, which only the person's own new consent lifts. */
export async function liftSuppressions(db: Kysely<Database>, hashKey: string, email: string, ctx: ConsentContext): Promise<void> {
  const hash = addressHash(hashKey, email);
  await inTransaction(db, async (trx) => {
    const recipient = await findRecipient(trx, { by: 'email', value: normalizeEmail(email) }, { forUpdate: true });
    const existing = await findSuppressionsByHash(trx, hash);
    if (existing.length === 0) throw notFound('Suppression');
    const lifted = await deleteLiftableSuppressions(trx, hash);
    if (lifted.length === 0) {
      // Nothing left to lift: either only the erasure remains, or a concurrent request lifted the rest.
      if (existing.some((s) => s.reason === 'erased')) throw conflict("This address was erased at the person's request; its suppression cannot be lifted.");
      throw notFound('Suppression');
    }
    const at = nowIso();
    await appendConsentEvents(
      trx,
      lifted.map((s) => ({
        type: 'unsuppressed',
        recipientId: recipient?.id ?? null,
        categoryKey: null,
        source: ctx.source,
        actor: ctx.actor,
        detail: { reason: s.reason },
        at,
        subject: { email: email.trim(), emailHash: hash },
      })),
    );
  });
}

export async function listSuppressions(db: Kysely<Database>, after: string, limit: number): Promise<{ data: Suppression[]; next: string | null }> {
  // One extra row tells whether another page follows, so `next` is null on the last page.
  const rows = await listSuppressionsAfter(db, after, limit + 1);
  const page = rows.slice(0, limit);
  return { data: page.map(toSuppression), next: rows.length > limit ? page[page.length - 1]!.id : null };
}

/** Every suppression, in id order, page by page (constant memory), for an export. */
export async function* eachSuppression(db: Kysely<Database>): AsyncGenerator<Suppression> {
  let after = '';
  for (;;) {
    const rows = await listSuppressionsAfter(db, after, 1000);
    yield* rows.map(toSuppression);
    if (rows.length < 1000) return;
    after = rows[rows.length - 1]!.id;
  }
}
