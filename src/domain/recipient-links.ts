// Links for systems that send through their own provider (API.md "Links"). An address never seen is
// stored (no consent, no event) so that its links work; ids and external ids must already exist.
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { isValidEmail } from '../email.js';
import { invalidField } from '../errors.js';
import { getCategory } from './categories.js';
import { linksFor, type EmailLinks } from './links.js';
import { getRecipient, parseRecipientRef, upsertRecipient } from './recipients.js';
import type { ConsentContext } from './types.js';

export async function linksForRecipient(
  db: Kysely<Database>,
  config: Pick<Config, 'publicUrl' | 'signingKeys' | 'hashKey'>,
  recipientRef: string,
  categoryKey: string,
  ctx: ConsentContext,
): Promise<EmailLinks> {
  const category = await getCategory(db, categoryKey);
  const ref = parseRecipientRef(recipientRef);
  let recipientId: string;
  if (ref.by === 'email') {
    if (!isValidEmail(recipientRef.trim())) throw invalidField('recipient', 'not a valid email address');
    recipientId = (await upsertRecipient(db, config.hashKey, { email: recipientRef }, ctx)).recipient.id;
  } else {
    recipientId = (await getRecipient(db, recipientRef)).id;
  }
  return linksFor(config, recipientId, category);
}
