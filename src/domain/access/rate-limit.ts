// Fixed-window rate limits kept in the database, shared by every instance. The key is a keyed hash of
// what is limited (an address, an IP): the table holds no personal data in clear (GDPR Art. 5(1)(c)).
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../../core/errors.js';
import { deleteEndedWindows, recordHit } from '../../db/rate-limits.js';
import type { Database } from '../../db/schema.js';

export interface RateLimit {
  /** Names the counter, e.g. `link-ip`. */
  readonly scope: string;
  readonly max: number;
  readonly windowSeconds: number;
}

/** Counts a hit for `subject`; throws `rate_limited` with the seconds until the window ends once over `max`. */
export async function consumeRateLimit(db: Kysely<Database>, hashKey: string, limit: RateLimit, subject: string, now = new Date()): Promise<void> {
  const key = `${limit.scope}:${createHmac('sha256', hashKey).update(`${limit.scope}\n${subject}`).digest('base64url')}`;
  const nowIso = now.toISOString();
  const { hits, windowEndsAt } = await recordHit(db, key, nowIso, new Date(now.getTime() + limit.windowSeconds * 1000).toISOString());
  if (hits === 1) await deleteEndedWindows(db, nowIso);
  if (hits > limit.max) {
    const retryAfterSeconds = Math.max(1, Math.ceil((Date.parse(windowEndsAt) - now.getTime()) / 1000));
    throw new AppError('rate_limited', 'Too many requests; try again later.', { retryAfterSeconds });
  }
}
