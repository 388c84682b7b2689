// The right of access and to data portability (GDPR Art. 15, 20): everything mailprefs stores about one
// person, as machine-readable JSON, read in one transaction so the parts agree with each other. Handing
// the copy out is recorded in that transaction (Art. 5(2), accountability): who read whose data, when.
import type { Kysely } from 'kysely';
import { notFound } from '../../core/errors.js';
import { nowIso } from '../../core/ids.js';
import type { ConsentContext } from '../../core/vocabulary.js';
import { appendConsentEvents, listEventsOfRecipient } from '../../db/consent-events.js';
import { listEmailChangesOf } from '../../db/email-changes.js';
import { listSubscriptionsWithCategory } from '../../db/privacy.js';
import type { Database } from '../../db/schema.js';
import { findSuppressionsByHash } from '../../db/suppressions.js';
import { inTransaction } from '../../db/transaction.js';
import { exportNotices, exportOutbox } from '../notices/personal-data.js';
import { type DataSubject, resolveDataSubject } from './data-subject.js';

type ExportSection = (db: Kysely<Database>, subject: DataSubject) => Promise<unknown>;

/**
 * One entry per kind of stored data. This is the extension point: whatever else comes to hold personal
 * data adds its section here, and erasure.ts its step.
 */
const personOf = ({ recipient, emailNormalized }: DataSubject) => ({ recipientId: recipient?.id ?? null, emailNormalized });

const SECTIONS = {
  recipient: async (_db, { recipient }) => {
    if (!recipient) return null;
    const { subscriptions: _keyedByCategory, ...profile } = recipient;
    return profile;
  },
  subscriptions: async (db, { recipient }) => (recipient ? listSubscriptionsWithCategory(db, recipient.id) : []),
  consentEvents: async (db, { recipient }) => {
    if (!recipient) return [];
    return (await listEventsOfRecipient(db, recipient.id)).map((e) => ({
      id: e.id,
      seq: e.seq,
      type: e.type,
      category: e.category_key,
      source: e.source,
      actor: e.actor,
      ip: e.ip,
      userAgent: e.user_agent,
      detail: e.detail === null ? null : (JSON.parse(e.detail) as unknown),
      at: e.at,
    }));
  },
  suppressions: async (db, { emailHash }) => {
    if (emailHash === null) return [];
    return (await findSuppressionsByHash(db, emailHash)).map((s) => ({ reason: s.reason, email: s.email, note: s.note, createdAt: s.created_at }));
  },
  // A new address asked for on the preference page and not confirmed yet.
  pendingEmailChanges: async (db, { recipient }) =>
    recipient ? (await listEmailChangesOf(db, recipient.id)).map((ch) => ({ newEmail: ch.newEmail, createdAt: ch.createdAt, expiresAt: ch.expiresAt })) : [],
  notices: async (db, subject) => exportNotices(db, personOf(subject)),
  devOutbox: async (db, subject) => exportOutbox(db, personOf(subject)),
} satisfies Record<string, ExportSection>;

export type RecipientExport = { exportedAt: string } & { [K in keyof typeof SECTIONS]: Awaited<ReturnType<(typeof SECTIONS)[K]>> };

/** Who is given the copy: an API key, an operator (with their IP and user agent) or the person. */
export type ExportedBy = Pick<ConsentContext, 'source' | 'actor' | 'ip' | 'userAgent'>;

/**
 * Everything stored about the person REF names, and a `data_exported` event naming `by` and which parts
 * were handed out (their names only: the ledger is kept for ever, a copy of the data in it would outlive
 * erasure). 404, and nothing recorded, when nothing is stored (only `exportedAt` would be filled).
 */
export async function exportRecipientData(db: Kysely<Database>, hashKey: string, ref: string, by: ExportedBy): Promise<RecipientExport> {
  return inTransaction(db, async (trx) => {
    const subject = await resolveDataSubject(trx, hashKey, ref);
    const sections: Record<string, unknown> = {};
    for (const [name, gather] of Object.entries(SECTIONS) as [string, ExportSection][]) sections[name] = await gather(trx, subject);
    const parts = Object.keys(sections).filter((name) => !isEmpty(sections[name]));
    if (parts.length === 0) throw notFound('Recipient');
    const exportedAt = nowIso();
    await appendConsentEvents(trx, [
      {
        type: 'data_exported',
        recipientId: subject.recipient?.id ?? null,
        categoryKey: null,
        source: by.source,
        actor: by.actor,
        ip: by.ip ?? null,
        userAgent: by.userAgent ?? null,
        detail: { parts },
        at: exportedAt,
      },
    ]);
    return { exportedAt, ...sections } as RecipientExport;
  });
}

const isEmpty = (part: unknown) => part === null || (Array.isArray(part) && part.length === 0);
