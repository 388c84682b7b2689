// Links for systems that send through their own provider (docs/api.md "Links"). An address never seen is
// stored (no consent, no event) so that its links work; ids and external ids must already exist.
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { requireEmail } from '../../core/email.js';
import type { Database } from '../../db/schema.js';
import { getCategory } from '../recipients/categories.js';
import { ensureRecipient } from '../recipients/ensure-recipient.js';
import { getRecipient, parseRecipientRef } from '../recipients/recipients.js';
import { type EmailLinks, linksFor } from './email-links.js';

export async function linksForRecipient(
  db: Kysely<Database>,
  config: Pick<Config, 'publicUrl' | 'signingKeys' | 'hashKey'>,
  recipientRef: string,
  categoryKey: string,
): Promise<EmailLinks> {
  const category = await getCategory(db, categoryKey);
  const ref = parseRecipientRef(recipientRef);
  let recipientId: string;
  if (ref.by === 'email') {
    recipientId = await ensureRecipient(db, config.hashKey, requireEmail('recipient', recipientRef.trim()));
  } else {
    recipientId = (await getRecipient(db, recipientRef)).id;
  }
  return linksFor(config, recipientId, category);
}
