// Recipients: upsert by address, correction, and reading one with its eligibility for every category.
import type { Kysely } from 'kysely';
import { normalizeEmail } from '../../core/email.js';
import { conflict, invalidField, notFound } from '../../core/errors.js';
import { newId, nowIso } from '../../core/ids.js';
import type { Category, ConsentContext, Recipient } from '../../core/vocabulary.js';
import { listCategories } from '../../db/categories.js';
import { findRecipient, insertRecipient, type RecipientRef, updateRecipientRow } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { relinkErasedSuppression } from '../../db/suppressions.js';
import { inTransaction } from '../../db/transaction.js';
import { changeMarketingOptOut, changeSubscription, type RequestedStatus, recordEmailChange } from '../consent/change-consent.js';
import { addressHash } from '../privacy/address-hash.js';

export interface RecipientInput {
  email: string;
  externalId?: string | null;
  locale?: string | null;
  marketingOptOut?: boolean;
  subscriptions?: Record<string, RequestedStatus>;
}

const MAX_REF_LENGTH = 512;

/** `REF` in a path: `ext:ID`, an address, or a recipient id. */
export function parseRecipientRef(ref: string): RecipientRef {
  // PostgreSQL rejects NUL in text outright (an error, not a miss), and no real REF is this long.
  if (ref.length > MAX_REF_LENGTH) throw invalidField('ref', `at most ${MAX_REF_LENGTH} characters`);
  if (/[\u0000-\u001f\u007f]/u.test(ref)) throw invalidField('ref', 'control characters are not allowed');
  if (ref.startsWith('ext:')) return { by: 'externalId', value: ref.slice(4) };
  if (ref.includes('@')) return { by: 'email', value: normalizeEmail(ref) };
  return { by: 'id', value: ref };
}

export async function getRecipient(db: Kysely<Database>, ref: string): Promise<Recipient> {
  const recipient = await findRecipient(db, parseRecipientRef(ref));
  if (!recipient) throw notFound('Recipient');
  return recipient;
}

/**
 * Creates or updates the recipient with this address. `created` tells which (201 or 200); `pending` lists
 * the double opt-in categories the change left pending, for the caller to request their confirmations.
 */
export async function upsertRecipient(
  db: Kysely<Database>,
  hashKey: string,
  input: RecipientInput,
  ctx: ConsentContext,
): Promise<{ recipient: Recipient; created: boolean; pending: Category[] }> {
  return inTransaction(db, async (trx) => {
    const categories = await resolveCategories(trx, input.subscriptions);
    const byEmail = { by: 'email', value: normalizeEmail(input.email) } as const;
    let recipient = await findRecipient(trx, byEmail, { forUpdate: true });
    let created = false;
    const at = nowIso();
    if (!recipient) {
      await assertExternalIdFree(trx, input.externalId, undefined);
      const row = {
        id: newId(),
        email: input.email.trim(),
        externalId: input.externalId ?? null,
        locale: input.locale ?? null,
        marketingOptOut: false,
        createdAt: at,
        updatedAt: at,
      };
      created = await insertRecipient(trx, row);
      if (created) {
        await relinkErasedSuppression(trx, addressHash(hashKey, row.email), normalizeEmail(row.email));
        recipient = { ...row, subscriptions: {} };
      } else {
        // A concurrent upsert stored the address first (PostgreSQL waited for it to commit): update that one.
        recipient = (await findRecipient(trx, byEmail, { forUpdate: true }))!;
      }
    }
    if (!created) await applyProfile(trx, recipient, { externalId: input.externalId, locale: input.locale }, at);
    const pending = await applyConsent(trx, recipient, categories, input, ctx, at);
    return { recipient: (await findRecipient(trx, { by: 'id', value: recipient.id }))!, created, pending };
  });
}

/** Corrects a recipient (GDPR Art. 16) and changes its consent, all in one transaction; `pending` as for upsert. */
export async function patchRecipient(
  db: Kysely<Database>,
  hashKey: string,
  ref: string,
  patch: Partial<RecipientInput>,
  ctx: ConsentContext,
): Promise<{ recipient: Recipient; pending: Category[] }> {
  return inTransaction(db, (trx) => patchRecipientIn(trx, hashKey, ref, patch, ctx));
}

/**
 * patchRecipient inside the caller's transaction, for a change that must commit together with
 * something else (a confirmed email change consumes its link). Returns the categories left pending.
 */
export async function patchRecipientIn(
  trx: Kysely<Database>,
  hashKey: string,
  ref: string,
  patch: Partial<RecipientInput>,
  ctx: ConsentContext,
): Promise<{ recipient: Recipient; pending: Category[] }> {
  const recipient = await findRecipient(trx, parseRecipientRef(ref), { forUpdate: true });
  if (!recipient) throw notFound('Recipient');
  const categories = await resolveCategories(trx, patch.subscriptions);
  const at = nowIso();
  if (patch.email !== undefined && normalizeEmail(patch.email) !== normalizeEmail(recipient.email)) {
    const taken = await findRecipient(trx, { by: 'email', value: normalizeEmail(patch.email) });
    if (taken) throw conflict('Another recipient already has that email address.');
    await relinkErasedSuppression(trx, addressHash(hashKey, patch.email), normalizeEmail(patch.email));
  }
  await applyProfile(trx, recipient, { email: patch.email?.trim(), externalId: patch.externalId, locale: patch.locale }, at);
  if (patch.email !== undefined && patch.email.trim() !== recipient.email) await recordEmailChange(trx, recipient.id, ctx, at);
  const pending = await applyConsent(trx, recipient, categories, patch, ctx, at);
  return { recipient: (await findRecipient(trx, { by: 'id', value: recipient.id }))!, pending };
}

async function resolveCategories(trx: Kysely<Database>, wanted: Record<string, unknown> | undefined): Promise<Map<string, Category>> {
  const all = new Map((await listCategories(trx)).map((c) => [c.key, c]));
  for (const key of Object.keys(wanted ?? {})) {
    if (!all.has(key)) throw invalidField(`subscriptions.${key}`, 'no category has this key');
  }
  return all;
}

async function assertExternalIdFree(trx: Kysely<Database>, externalId: string | null | undefined, ownerId: string | undefined) {
  if (!externalId) return;
  const owner = await findRecipient(trx, { by: 'externalId', value: externalId });
  if (owner && owner.id !== ownerId) throw conflict('Another recipient already has that externalId.');
}

async function applyProfile(
  trx: Kysely<Database>,
  recipient: Recipient,
  patch: { email?: string | undefined; externalId?: string | null | undefined; locale?: string | null | undefined },
  at: string,
) {
  const changes = {
    ...(patch.email !== undefined && patch.email !== recipient.email && { email: patch.email }),
    ...(patch.externalId !== undefined && patch.externalId !== recipient.externalId && { externalId: patch.externalId }),
    ...(patch.locale !== undefined && patch.locale !== recipient.locale && { locale: patch.locale }),
  };
  if (Object.keys(changes).length === 0) return;
  if (changes.externalId) await assertExternalIdFree(trx, changes.externalId, recipient.id);
  await updateRecipientRow(trx, recipient.id, changes, at);
}

async function applyConsent(
  trx: Kysely<Database>,
  recipient: Recipient,
  categories: Map<string, Category>,
  input: Partial<RecipientInput>,
  ctx: ConsentContext,
  at: string,
): Promise<Category[]> {
  if (input.marketingOptOut !== undefined) await changeMarketingOptOut(trx, recipient, input.marketingOptOut, ctx, at);
  const becamePending: Category[] = [];
  for (const [key, status] of Object.entries(input.subscriptions ?? {})) {
    const category = categories.get(key)!;
    if ((await changeSubscription(trx, recipient, category, status, ctx, at)) && recipient.subscriptions[key]?.status === 'pending')
      becamePending.push(category);
  }
  return becamePending;
}
