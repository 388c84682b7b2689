// Development transport: with no RESEND_API_KEY, every email is kept in the database and shown at
// /dev/outbox, so a newcomer can read it and click its links on a laptop.
import type { Kysely } from 'kysely';
import { insertOutboxEmails } from '../../db/dev-outbox.js';
import type { Database } from '../../db/schema.js';
import { normalizeEmail } from '../../email.js';
import { newId, nowIso } from '../../ids.js';
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
      return { ok: true, providerIds: await insertOutboxEmails(db, rows) };
    },
  };
}
