// "Email me a link to my preferences" (the `/p` form). The answer and the work done before it are the
// same whether the address is known or not (docs/privacy.md, "Not telling who is on file"): both
// limits count every address, the look-up is one indexed read either way, and a job is recorded either
// way (mail-jobs.ts); only that job, after the answer, finds out whether there is anyone to mail.
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { normalizeEmail, requireEmail } from '../../core/email.js';
import { findRecipientIdByEmail } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { consumeRateLimit, type RateLimit } from '../access/rate-limit.js';
import { type MailJobs, promiseMail } from './mail-jobs.js';

export const LINK_LIMIT_PER_ADDRESS: RateLimit = { scope: 'link-address', max: 3, windowSeconds: 3600 };
export const LINK_LIMIT_PER_IP: RateLimit = { scope: 'link-ip', max: 20, windowSeconds: 3600 };

export async function requestPreferencesLink(
  db: Kysely<Database>,
  config: Pick<Config, 'publicUrl' | 'signingKeys' | 'hashKey'>,
  email: string,
  clientIp: string | undefined,
  jobs: MailJobs,
): Promise<void> {
  requireEmail('email', email);
  const key = normalizeEmail(email);
  // Without a socket address (an in-process request) every caller shares one bucket: stricter, never looser.
  await consumeRateLimit(db, config.hashKey, LINK_LIMIT_PER_IP, clientIp ?? 'unknown');
  await consumeRateLimit(db, config.hashKey, LINK_LIMIT_PER_ADDRESS, key);
  const recipientId = await findRecipientIdByEmail(db, key);
  await promiseMail(db, config, jobs, { kind: 'preferences_link', recipientId: recipientId ?? null, subjectId: null });
}
