// A person changing their own address from the preference page (GDPR Art. 16, rectification). The link
// goes to the NEW address, so only its owner can complete the change. The page answers the same whether
// the address is taken or not, after the same work (one stored change, one recorded job, mail-jobs.ts;
// docs/privacy.md, "Not telling who is on file"): only the job, after the answer, skips a taken address.
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { requireEmail } from '../../core/email.js';
import { notFound } from '../../core/errors.js';
import { newId, nowIso } from '../../core/ids.js';
import type { ConsentContext, Recipient } from '../../core/vocabulary.js';
import { consumeEmailChange, deleteExpiredEmailChanges, type EmailChange, findLiveEmailChange, insertEmailChange } from '../../db/email-changes.js';
import { findRecipient } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { consumeRateLimit, type RateLimit } from '../access/rate-limit.js';
import { verifyToken } from '../links/tokens.js';
import { patchRecipientIn } from '../recipients/recipients.js';
import { type MailJobs, promiseMail } from './mail-jobs.js';

export const EMAIL_CHANGE_TTL_SECONDS = 24 * 3600;
export const EMAIL_CHANGE_LIMIT_PER_RECIPIENT: RateLimit = { scope: 'email-change-recipient', max: 5, windowSeconds: 3600 };
export const EMAIL_CHANGE_LIMIT_PER_IP: RateLimit = { scope: 'email-change-ip', max: 20, windowSeconds: 3600 };

/** Stores a pending change and mails its link to the new address, unless that address is already someone's. */
export async function requestEmailChange(
  db: Kysely<Database>,
  config: Pick<Config, 'publicUrl' | 'signingKeys' | 'hashKey'>,
  recipient: Recipient,
  newEmail: string,
  clientIp: string | undefined,
  jobs: MailJobs,
): Promise<void> {
  requireEmail('email', newEmail);
  // Without a socket address (an in-process request) every caller shares one bucket: stricter, never looser.
  await consumeRateLimit(db, config.hashKey, EMAIL_CHANGE_LIMIT_PER_IP, clientIp ?? 'unknown');
  await consumeRateLimit(db, config.hashKey, EMAIL_CHANGE_LIMIT_PER_RECIPIENT, recipient.id);
  const now = new Date();
  await deleteExpiredEmailChanges(db, now.toISOString());
  const change: EmailChange = {
    id: newId(),
    recipientId: recipient.id,
    newEmail,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + EMAIL_CHANGE_TTL_SECONDS * 1000).toISOString(),
  };
  // Stored even for a taken address: confirming it would only meet the conflict check of the patch.
  await insertEmailChange(db, change);
  await promiseMail(db, config, jobs, { kind: 'email_change', recipientId: recipient.id, subjectId: change.id });
}

export interface PendingEmailChange {
  change: EmailChange;
  recipient: Recipient;
}

/** The live change an `/e/TOKEN` link stands for; undefined when tampered, used, expired or its person erased. */
export async function resolveEmailChangeToken(
  db: Kysely<Database>,
  config: Pick<Config, 'signingKeys'>,
  token: string,
): Promise<PendingEmailChange | undefined> {
  const claims = verifyToken(config.signingKeys, token, 'email_change');
  const change = claims && (await findLiveEmailChange(db, claims.subjectId, nowIso()));
  const recipient = change && (await findRecipient(db, { by: 'id', value: change.recipientId }));
  return change && recipient ? { change, recipient } : undefined;
}

/**
 * Applies the change through the API's own path (patchRecipientIn: subscriptions stay with the person,
 * an `email_changed` event is written) and uses the link up, in one transaction. A conflict (the
 * address became someone else's) rolls both back: nothing changes.
 */
export async function confirmEmailChange(db: Kysely<Database>, hashKey: string, pending: PendingEmailChange, ctx: ConsentContext): Promise<Recipient> {
  return inTransaction(db, async (trx) => {
    if (!(await consumeEmailChange(trx, pending.change.id))) throw notFound('Link');
    const { recipient } = await patchRecipientIn(trx, hashKey, pending.change.recipientId, { email: pending.change.newEmail }, ctx);
    return recipient;
  });
}
