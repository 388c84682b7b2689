// "Email me a link to my preferences" (the `/p` form). The answer and the work done before it are the
// same whether the address is known or not: both limits count every address, and the mail is sent
// after the answer, so neither the page nor its timing tells who is on file.
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { normalizeEmail, requireEmail } from '../../core/email.js';
import { findRecipient } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { consumeRateLimit, type RateLimit } from '../access/rate-limit.js';
import { preferencesUrlFor } from '../links/email-links.js';

export const LINK_LIMIT_PER_ADDRESS: RateLimit = { scope: 'link-address', max: 3, windowSeconds: 3600 };
export const LINK_LIMIT_PER_IP: RateLimit = { scope: 'link-ip', max: 20, windowSeconds: 3600 };

export type SendPreferencesLink = (recipientId: string, preferencesUrl: string) => Promise<void>;

export async function requestPreferencesLink(
  db: Kysely<Database>,
  config: Pick<Config, 'publicUrl' | 'signingKeys' | 'hashKey'>,
  email: string,
  clientIp: string | undefined,
  send: SendPreferencesLink | undefined,
): Promise<void> {
  requireEmail('email', email);
  // Without a socket address (an in-process request) every caller shares one bucket: stricter, never looser.
  await consumeRateLimit(db, config.hashKey, LINK_LIMIT_PER_IP, clientIp ?? 'unknown');
  await consumeRateLimit(db, config.hashKey, LINK_LIMIT_PER_ADDRESS, normalizeEmail(email));
  const recipient = await findRecipient(db, { by: 'email', value: normalizeEmail(email) });
  if (!recipient || !send) return;
  // No address in the log (no personal data in logs); the person sees the same page either way.
  send(recipient.id, preferencesUrlFor(config, recipient.id)).catch((err: unknown) =>
    console.error('sending a preferences link failed:', err instanceof Error ? err.name : 'unknown error'),
  );
}
