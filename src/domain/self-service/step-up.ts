// Step-up for the data rights (GDPR Art. 12(6): identity first; docs/privacy.md, "How a person is
// identified"). A link in an email proves only that someone holds the email, which may have been
// forwarded; reading, deleting or re-addressing the data needs proof of the mailbox now. So the page
// first mails a single-use link, valid 30 minutes, to the address on file; opening and confirming it
// leads to a verified preference link (as short-lived) on which the right is exercised.
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { newId, nowIso } from '../../core/ids.js';
import type { Recipient } from '../../core/vocabulary.js';
import { findRecipient } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { deleteStaleStepUps, findLiveStepUp, insertStepUp, type StepUp, type StepUpAction, useStepUp } from '../../db/step-ups.js';
import { consumeRateLimit, type RateLimit } from '../access/rate-limit.js';
import { verifiedPreferencesUrlFor } from '../links/email-links.js';
import { TTL_SECONDS, verifyToken } from '../links/tokens.js';
import { type MailJobs, promiseMail } from './mail-jobs.js';

export type { StepUpAction };
export const STEP_UP_ACTIONS: readonly StepUpAction[] = ['export', 'delete', 'email'];
export const STEP_UP_TTL_SECONDS = TTL_SECONDS.step_up!;
/** A confirmation mail is a mail to the person: a few an hour, so the page cannot be used to flood them. */
export const STEP_UP_LIMIT_PER_RECIPIENT: RateLimit = { scope: 'step-up-recipient', max: 5, windowSeconds: 3600 };

type Links = Pick<Config, 'publicUrl' | 'signingKeys'>;

/** Stores a step-up for one action and queues its link to the address on file. */
export async function requestStepUp(
  db: Kysely<Database>,
  config: Links & Pick<Config, 'hashKey'>,
  recipient: Recipient,
  action: StepUpAction,
  jobs: MailJobs,
): Promise<void> {
  await consumeRateLimit(db, config.hashKey, STEP_UP_LIMIT_PER_RECIPIENT, recipient.id);
  const now = new Date();
  await deleteStaleStepUps(db, now.toISOString());
  const stepUp = {
    id: newId(),
    recipientId: recipient.id,
    action,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + STEP_UP_TTL_SECONDS * 1000).toISOString(),
  };
  await insertStepUp(db, stepUp);
  await promiseMail(db, config, jobs, { kind: 'step_up', recipientId: recipient.id, subjectId: stepUp.id });
}

export interface PendingStepUp {
  stepUp: StepUp;
  recipient: Recipient;
}

/** The live step-up a `/s/TOKEN` link stands for; undefined when tampered, used, expired or its person erased. */
export async function resolveStepUpToken(db: Kysely<Database>, config: Pick<Config, 'signingKeys'>, token: string): Promise<PendingStepUp | undefined> {
  const claims = verifyToken(config.signingKeys, token, 'step_up');
  const stepUp = claims && (await findLiveStepUp(db, claims.subjectId, nowIso()));
  const recipient = stepUp && (await findRecipient(db, { by: 'id', value: stepUp.recipientId }));
  return stepUp && recipient ? { stepUp, recipient } : undefined;
}

/**
 * Uses the step-up up; answers the verified preference URL (under `publicUrl`) to act on, or undefined
 * when it was used already (a second click acts once).
 */
export async function confirmStepUp(db: Kysely<Database>, config: Links, pending: PendingStepUp): Promise<string | undefined> {
  if (!(await useStepUp(db, pending.stepUp.id, nowIso()))) return undefined;
  return verifiedPreferencesUrlFor(config, pending.recipient.id);
}
