// Development transport: with no RESEND_API_KEY, every email is kept in the database and shown at
// /dev/outbox, so a newcomer can read it and click its links on a laptop.
import type { Kysely } from 'kysely';
import { normalizeEmail } from '../../core/email.js';
import { newId, nowIso } from '../../core/ids.js';
import { findOutboxEmail, insertOutboxEmails, listOutbox, type OutboxRow } from '../../db/dev-outbox.js';
import type { Database } from '../../db/schema.js';
import type { Transport } from './transport.js';

export function createOutboxTransport(db: Kysely<Database>): Transport {
  return {
    name: 'outbox',
    send: async (call) => {
      const at = nowIso();
      const rows = call.emails.map((e, i) => ({
        id: newId(),
        idempotency_key: `${call.idempotencyKey}#${i}`,
        from_address: e.from,
        to_address: e.to,
        to_normalized: normalizeEmail(e.to),
        subject: e.subject,
        html: e.html,
        text: e.text,
        headers: JSON.stringify(e.headers),
        created_at: at,
      }));
      return { ok: true, outcomes: (await insertOutboxEmails(db, rows)).map((providerId) => ({ providerId })) };
    },
  };
}

export interface OutboxEmail {
  id: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  createdAt: string;
}

export type OutboxEntry = Pick<OutboxEmail, 'id' | 'to' | 'subject' | 'createdAt'>;

/** The newest emails in the dev outbox, newest first. */
export async function listOutboxEmails(db: Kysely<Database>, limit: number): Promise<OutboxEntry[]> {
  return (await listOutbox(db, limit)).map((r) => ({ id: r.id, to: r.to_address, subject: r.subject, createdAt: r.created_at }));
}

export async function getOutboxEmail(db: Kysely<Database>, id: string): Promise<OutboxEmail | undefined> {
  const row = await findOutboxEmail(db, id);
  return row && outboxEmail(row);
}

function outboxEmail(r: OutboxRow): OutboxEmail {
  return {
    id: r.id,
    from: r.from_address,
    to: r.to_address,
    subject: r.subject,
    html: r.html,
    text: r.text,
    headers: JSON.parse(r.headers) as Record<string, string>,
    createdAt: r.created_at,
  };
}
