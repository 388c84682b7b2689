// What a link in an email stands for. Anything that does not resolve (tampered, truncated, signed with a
// retired key, or naming an erased recipient or deleted category) is `undefined`, one answer for all,
// so a page never tells which part failed.
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { Category, MailTrace, Recipient } from '../../core/vocabulary.js';
import { findCategoryById } from '../../db/categories.js';
import { findRecipient } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { verifyToken } from './tokens.js';

export interface CategoryLink {
  recipient: Recipient;
  category: Category;
  /** The mail the link was put into, when it was minted for a notice. */
  trace?: MailTrace;
}

type Keys = Pick<Config, 'signingKeys'>;

// What opens a person's preference page without the step-up: the everyday preference link, and a
// marketing email's unsubscribe link, which is also its preference link (email-links.ts linksFor).
const PREFERENCE_PURPOSES = ['preferences', 'unsubscribe'] as const;

/** The recipient and category ids a genuine token names, checked without reading the database. */
export function categoryTokenIds(
  config: Keys,
  token: string,
  purpose: 'unsubscribe' | 'confirm',
): { recipientId: string; categoryId: string; trace?: MailTrace } | undefined {
  const claims = verifyToken(config.signingKeys, token, purpose);
  if (!claims?.categoryId) return undefined;
  return { recipientId: claims.subjectId, categoryId: claims.categoryId, ...(claims.trace && { trace: claims.trace }) };
}

export interface PreferencesAccess {
  recipient: Recipient;
  /** The link opens the data rights directly (a confirmed step-up, or minted verified by an integrator). */
  verified: boolean;
  /** The mail the link was put into, when it was minted for a notice. */
  trace?: MailTrace;
}

/** A `/p/TOKEN` link of either kind: the everyday one (no expiry) or a verified one (30 minutes). */
export async function resolvePreferencesAccess(db: Kysely<Database>, config: Keys, token: string): Promise<PreferencesAccess | undefined> {
  const plain = verifyToken(config.signingKeys, token, PREFERENCE_PURPOSES);
  const claims = plain ?? verifyToken(config.signingKeys, token, 'verified_preferences');
  const recipient = claims && (await findRecipient(db, { by: 'id', value: claims.subjectId }));
  return recipient && { recipient, verified: plain === undefined, ...(claims.trace && { trace: claims.trace }) };
}

export async function resolveCategoryToken(
  db: Kysely<Database>,
  config: Keys,
  token: string,
  purpose: 'unsubscribe' | 'confirm',
): Promise<CategoryLink | undefined> {
  const claims = verifyToken(config.signingKeys, token, purpose);
  if (!claims?.categoryId) return undefined;
  const [recipient, category] = await Promise.all([findRecipient(db, { by: 'id', value: claims.subjectId }), findCategoryById(db, claims.categoryId)]);
  return recipient && category ? { recipient, category, ...(claims.trace && { trace: claims.trace }) } : undefined;
}
