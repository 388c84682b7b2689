// Double opt-in: a subscription that became `pending` asks the person to confirm by email. The change
// records the mail as owed in its own transaction (src/domain/consent/change-consent.ts, the
// confirmation outbox); after the commit the caller sends what its person is owed, and a job sends
// whatever a crash or an outage left behind. Each mail carries the key `confirmation:OUTBOX_ID`, so one
// sent by both (or sent before a crash kept its row) is recorded once.
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { MailTrace } from '../../core/vocabulary.js';
import {
  countConfirmationAttempt,
  deleteConfirmationRequest,
  hasNoticeWithKey,
  listWaitingConfirmations,
  type WaitingConfirmation,
} from '../../db/confirmation-outbox.js';
import type { Database } from '../../db/schema.js';
import { confirmUrlFor } from '../links/email-links.js';
import type { Mailer } from '../notices/mailer.js';
import { SILENT_TELEMETRY, type Telemetry } from '../operations/telemetry.js';

/** Tries per owed confirmation before it is given up (the person can ask again from the page). */
export const CONFIRMATION_ATTEMPTS = 50;
const PAGE = 200;

type LinkConfig = Pick<Config, 'publicUrl' | 'signingKeys'>;

async function deliver(db: Kysely<Database>, mailer: Mailer, config: LinkConfig, owed: WaitingConfirmation, telemetry: Telemetry): Promise<boolean> {
  const key = `confirmation:${owed.id}`;
  try {
    // Deleted category: nothing is left to confirm. An erased person: the mailer finds nobody and sends nothing.
    if (owed.categoryKey !== null && !(await hasNoticeWithKey(db, key))) {
      const confirmUrl = (trace?: MailTrace) => confirmUrlFor(config, owed.recipientId, owed.categoryId, trace);
      await mailer.sendConfirmation(owed.recipientId, owed.categoryKey, confirmUrl, key);
    }
    await deleteConfirmationRequest(db, owed.id);
    return true;
  } catch (err) {
    // The class only: a driver message can quote a row's values (personal data). It is tried again.
    telemetry.event('error', 'confirmation_not_recorded', { errorName: err instanceof Error ? err.name : typeof err });
    if (owed.attempts + 1 >= CONFIRMATION_ATTEMPTS) await deleteConfirmationRequest(db, owed.id);
    else await countConfirmationAttempt(db, owed.id);
    return false;
  }
}

/** Sends the confirmations one person is owed, right after the change that left them pending commits. */
export async function requestConfirmations(
  db: Kysely<Database>,
  mailer: Mailer | undefined,
  config: LinkConfig,
  recipientId: string,
  telemetry: Telemetry = SILENT_TELEMETRY,
): Promise<void> {
  if (!mailer) return;
  for (const owed of await listWaitingConfirmations(db, { recipientId }, PAGE)) await deliver(db, mailer, config, owed, telemetry);
}

/** The job: every confirmation owed for longer than `olderThanMs` (its request is over, or crashed). */
export async function deliverOwedConfirmations(
  db: Kysely<Database>,
  mailer: Mailer,
  config: LinkConfig,
  opts: { now?: Date; olderThanMs?: number; signal?: AbortSignal | undefined; telemetry?: Telemetry } = {},
): Promise<{ sent: number; failed: number }> {
  const before = new Date((opts.now ?? new Date()).getTime() - (opts.olderThanMs ?? 30_000)).toISOString();
  const counts = { sent: 0, failed: 0 };
  for (const owed of await listWaitingConfirmations(db, { before }, PAGE)) {
    if (opts.signal?.aborted) break;
    counts[(await deliver(db, mailer, config, owed, opts.telemetry ?? SILENT_TELEMETRY)) ? 'sent' : 'failed']++;
  }
  return counts;
}
