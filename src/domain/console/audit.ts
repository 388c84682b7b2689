// Operator actions that change configuration rather than a person's consent (categories, keys,
// operators) are written to the consent ledger too, so that one chained record shows who changed what
// (GDPR Art. 5(2), accountability). Call inside the transaction that makes the change.
import type { Kysely } from 'kysely';
import { nowIso } from '../../core/ids.js';
import type { ConsentContext, ConsentEventType } from '../../core/vocabulary.js';
import { appendConsentEvents } from '../../db/consent-events.js';
import type { Database } from '../../db/schema.js';

export async function recordOperatorAction(
  trx: Kysely<Database>,
  ctx: ConsentContext,
  type: ConsentEventType,
  detail: Record<string, unknown>,
  opts: { recipientId?: string | null; categoryKey?: string | null } = {},
): Promise<void> {
  await appendConsentEvents(trx, [
    {
      type,
      recipientId: opts.recipientId ?? null,
      categoryKey: opts.categoryKey ?? null,
      source: ctx.source,
      actor: ctx.actor,
      ip: ctx.ip ?? null,
      userAgent: ctx.userAgent ?? null,
      detail: ctx.text ? { ...detail, text: ctx.text } : detail,
      at: nowIso(),
    },
  ]);
}
