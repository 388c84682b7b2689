// The person a privacy request is about (GDPR Art. 4(1) "data subject"): their recipient record, if
// one is left, and the keyed hash of their address, under which their suppressions are filed.
import type { Kysely } from 'kysely';
import { normalizeEmail } from '../../core/email.js';
import type { Recipient } from '../../core/vocabulary.js';
import { findRecipient } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { parseRecipientRef } from '../recipients/recipients.js';
import { addressHash } from './address-hash.js';

export interface DataSubject {
  recipient: Recipient | null;
  /** Null when the REF is an id or external id that matches nobody: there is no address to hash. */
  emailHash: string | null;
  /** The normalized address, under which notices and outbox copies are filed; null as for emailHash. */
  emailNormalized: string | null;
}

export async function resolveDataSubject(db: Kysely<Database>, hashKey: string, ref: string, opts: { forUpdate?: boolean } = {}): Promise<DataSubject> {
  const parsed = parseRecipientRef(ref);
  const recipient = (await findRecipient(db, parsed, opts)) ?? null;
  const email = recipient?.email ?? (parsed.by === 'email' ? parsed.value : null);
  if (email === null) return { recipient, emailHash: null, emailNormalized: null };
  return { recipient, emailHash: addressHash(hashKey, email), emailNormalized: normalizeEmail(email) };
}
