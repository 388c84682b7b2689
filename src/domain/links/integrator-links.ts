// Links for systems that send through their own provider (docs/api.md "Links"). An address never seen is
// stored (no consent, no event) so that its links work; ids and external ids must already exist.
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { requireEmail } from '../../core/email.js';
import type { Database } from '../../db/schema.js';
import { getCategory } from '../recipients/categories.js';
import { ensureRecipient } from '../recipients/ensure-recipient.js';
import { getRecipient, parseRecipientRef } from '../recipients/recipients.js';
import { type EmailLinks, linksFor, verifiedPreferencesUrlFor } from './email-links.js';
import { TTL_SECONDS } from './tokens.js';

export async function linksForRecipient(
  db: Kysely<Database>,
  config: Pick<Config, 'publicUrl' | 'signingKeys' | 'hashKey'>,
  recipientRef: string,
  categoryKey: string,
  opts: { verified: boolean } = { verified: false },
): Promise<EmailLinks & { preferencesUrlExpiresAt?: string }> {
  const category = await getCategory(db, categoryKey);
  const ref = parseRecipientRef(recipientRef);
  let recipientId: string;
  if (ref.by === 'email') {
    recipientId = await ensureRecipient(db, config.hashKey, requireEmail('recipient', recipientRef.trim()));
  } else {
    recipientId = (await getRecipient(db, recipientRef)).id;
  }
  const links = linksFor(config, recipientId, category);
  if (!opts.verified) return links;
  const expiresAt = new Date((Math.floor(Date.now() / 1000) + TTL_SECONDS.verified_preferences!) * 1000).toISOString();
  return { ...links, preferencesUrl: verifiedPreferencesUrlFor(config, recipientId), preferencesUrlExpiresAt: expiresAt };
}
