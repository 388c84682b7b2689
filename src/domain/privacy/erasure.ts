// The right to erasure (GDPR Art. 17). Everything that identifies the person goes in one transaction;
// what stays is what stops future mailing (docs/standards.md "Suppression after erasure"): an `erased` suppression under a keyed hash,
// and the consent ledger, stripped of network data, still proving what happened (Art. 17(3)(e), 7(1)).
import type { Kysely } from 'kysely';
import { normalizeEmail } from '../../core/email.js';
import { notFound } from '../../core/errors.js';
import { newId, nowIso } from '../../core/ids.js';
import type { ConsentContext } from '../../core/vocabulary.js';
import { appendConsentEvents } from '../../db/consent-events.js';
import { deleteEmailChangesOf } from '../../db/email-changes.js';
import { deleteMailJobsOf } from '../../db/mail-jobs.js';
import {
  checkpointAndTruncateWal,
  deleteErasedSuppression,
  deleteRecipientAndSubscriptions,
  hasSuppressionWithAddress,
  scrubConsentEvents,
  stripSuppressionAddresses,
} from '../../db/privacy.js';
import { findRecipient } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { deleteStepUpsOf } from '../../db/step-ups.js';
import { insertSuppression } from '../../db/suppressions.js';
import { inTransaction } from '../../db/transaction.js';
import { scrubWebhookAddresses } from '../../db/webhook-outbox.js';
import { eraseNoticeData, holdsNoticeData } from '../notices/personal-data.js';
import { addressHash } from './address-hash.js';
import { resolveDataSubject } from './data-subject.js';

interface ErasedSubject {
  recipientId: string | null;
  emailHash: string;
  emailNormalized: string;
}

type ErasureStep = (trx: Kysely<Database>, subject: ErasedSubject) => Promise<unknown>;

/** In order. Whatever else comes to hold personal data adds its step here. */
const ERASURE_STEPS: readonly ErasureStep[] = [
  (trx, s) => eraseNoticeData(trx, s),
  (trx, s) => (s.recipientId ? scrubConsentEvents(trx, s.recipientId) : Promise.resolve()),
  (trx, s) => (s.recipientId ? deleteEmailChangesOf(trx, s.recipientId) : Promise.resolve()),
  (trx, s) => (s.recipientId ? deleteStepUpsOf(trx, s.recipientId) : Promise.resolve()),
  (trx, s) => (s.recipientId ? deleteMailJobsOf(trx, s.recipientId) : Promise.resolve()),
  (trx, s) => (s.recipientId ? deleteRecipientAndSubscriptions(trx, s.recipientId) : Promise.resolve()),
  (trx, s) => stripSuppressionAddresses(trx, s.emailHash),
  (trx, s) => scrubWebhookAddresses(trx, s.emailHash),
];

export interface ErasureOutcome {
  /** False when a reader kept the SQLite WAL alive; the bytes leave at the next checkpoint instead. */
  walTruncated: boolean;
}

/**
 * Erases the person REF names: their profile, subscriptions, notices (with events, bodies and idempotency
 * records) and dev outbox copies, the network data of their consent events, and the address text of
 * their suppressions. 404 when nothing about them is stored any more.
 */
export async function eraseRecipient(db: Kysely<Database>, hashKey: string, ref: string, ctx: Pick<ConsentContext, 'actor'>): Promise<ErasureOutcome> {
  await inTransaction(db, async (trx) => {
    const { recipient, emailHash, emailNormalized } = await resolveDataSubject(trx, hashKey, ref, { forUpdate: true });
    if (emailHash === null || emailNormalized === null) throw notFound('Recipient');
    const subject = { recipientId: recipient?.id ?? null, emailHash, emailNormalized };
    if (recipient === null && !(await hasSuppressionWithAddress(trx, emailHash)) && !(await holdsNoticeData(trx, subject))) throw notFound('Recipient');
    for (const step of ERASURE_STEPS) await step(trx, subject);
    const at = nowIso();
    await insertSuppression(trx, { id: newId(), email: null, email_normalized: null, email_hash: emailHash, reason: 'erased', note: null, created_at: at });
    // No IP or user agent on this event: recording who asked would store afresh what was just erased.
    await appendConsentEvents(trx, [
      { type: 'erased', recipientId: subject.recipientId, categoryKey: null, source: 'erasure', actor: ctx.actor, at, subject: { emailHash } },
    ]);
  });
  return { walTruncated: await checkpointAndTruncateWal(db) };
}

/**
 * Lifts the erased suppression of an address. Only the person's own new consent may do this: call it
 * when they confirm a NEW double opt-in, inside that confirmation's transaction. Returns whether there
 * was one to lift.
 */
export async function liftErasedSuppression(trx: Kysely<Database>, hashKey: string, email: string): Promise<boolean> {
  if (!(await deleteErasedSuppression(trx, addressHash(hashKey, email)))) return false;
  const recipient = await findRecipient(trx, { by: 'email', value: normalizeEmail(email) });
  await appendConsentEvents(trx, [
    {
      type: 'unsuppressed',
      recipientId: recipient?.id ?? null,
      categoryKey: null,
      source: 'confirmation',
      actor: 'recipient',
      detail: { reason: 'erased' },
      at: nowIso(),
      subject: { email: email.trim(), emailHash: addressHash(hashKey, email) },
    },
  ]);
  return true;
}
