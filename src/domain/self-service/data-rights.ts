// The rights a person exercises from their own preference page, with no account (GDPR Art. 15, 17, 20):
// the same export and erasure as the API, under the person's own name and within a rate limit.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { consumeRateLimit, type RateLimit } from '../access/rate-limit.js';
import { SILENT_TELEMETRY, type Telemetry } from '../operations/telemetry.js';
import { eraseRecipient } from '../privacy/erasure.js';
import { exportRecipientData, type RecipientExport } from '../privacy/export.js';

/** Art. 12(5): manifestly repetitive requests may be refused; a few downloads an hour is plenty. */
export const EXPORT_LIMIT_PER_RECIPIENT: RateLimit = { scope: 'export-recipient', max: 5, windowSeconds: 3600 };

export async function exportOwnData(db: Kysely<Database>, hashKey: string, recipientId: string): Promise<RecipientExport> {
  await consumeRateLimit(db, hashKey, EXPORT_LIMIT_PER_RECIPIENT, recipientId);
  // Recorded like an operator's export, without the person's IP or user agent: nothing new about them
  // needs keeping to show that their request was answered (Art. 5(1)(c), data minimisation).
  return exportRecipientData(db, hashKey, recipientId, { source: 'preference_page', actor: 'recipient' });
}

/** Erasure asked for by the person themselves: the `erased` event names them as the actor. */
export async function eraseOwnData(db: Kysely<Database>, hashKey: string, recipientId: string, telemetry: Telemetry = SILENT_TELEMETRY): Promise<void> {
  const { walTruncated } = await eraseRecipient(db, hashKey, recipientId, { actor: 'recipient' });
  // A reader kept the SQLite WAL in use: the erased bytes leave it at the next checkpoint.
  if (!walTruncated) telemetry.event('warn', 'erasure_wal_busy');
}
