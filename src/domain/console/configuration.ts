// Configuration changes an admin makes in the console (categories, API keys), each through the verb the
// API uses and recorded in the ledger in the same transaction, with the operator as actor.
import type { Kysely } from 'kysely';
import type { Category, ConsentContext } from '../../core/vocabulary.js';
import type { Database } from '../../db/schema.js';
import { createApiKey, revokeKey, type Scope } from '../access/api-keys.js';
import { createCategory, editCategory, type NewCategory } from '../recipients/categories.js';
import { createWebhookEndpoint, editWebhookEndpoint, type NewWebhookEndpoint } from '../webhooks/endpoints.js';
import { recordOperatorAction } from './audit.js';

export async function createCategoryAsOperator(db: Kysely<Database>, input: NewCategory, ctx: ConsentContext): Promise<Category> {
  return db.transaction().execute(async (trx) => {
    const category = await createCategory(trx, input);
    const { key, name, kind, consent, doubleOptIn } = category;
    await recordOperatorAction(trx, ctx, 'category_created', { key, name, kind, consent, doubleOptIn }, { categoryKey: key });
    return category;
  });
}

export async function editCategoryAsOperator(
  db: Kysely<Database>,
  key: string,
  patch: Parameters<typeof editCategory>[2],
  ctx: ConsentContext,
): Promise<Category> {
  return db.transaction().execute(async (trx) => {
    const category = await editCategory(trx, key, patch);
    await recordOperatorAction(trx, ctx, 'category_changed', { changes: patch }, { categoryKey: key });
    return category;
  });
}

/** The key is returned once, for the page to show; the ledger records its id, name and scopes only. */
export async function createKeyAsOperator(db: Kysely<Database>, name: string, scopes: Scope[], ctx: ConsentContext): Promise<{ id: string; key: string }> {
  return db.transaction().execute(async (trx) => {
    const created = await createApiKey(trx, name, scopes);
    await recordOperatorAction(trx, ctx, 'api_key_created', { id: created.id, name, scopes });
    return created;
  });
}

export async function revokeKeyAsOperator(db: Kysely<Database>, id: string, ctx: ConsentContext): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const revoked = await revokeKey(trx, id);
    if (revoked) await recordOperatorAction(trx, ctx, 'api_key_revoked', { id });
    return revoked;
  });
}

/** A webhook endpoint an admin adds; the secret is returned once, never written to the ledger. */
export async function createWebhookAsOperator(db: Kysely<Database>, input: NewWebhookEndpoint, allowPrivate: boolean, ctx: ConsentContext) {
  return db.transaction().execute(async (trx) => {
    const created = await createWebhookEndpoint(trx, input, allowPrivate);
    await recordOperatorAction(trx, ctx, 'webhook_endpoint_created', { id: created.id, url: created.url });
    return created;
  });
}

export async function setWebhookEnabledAsOperator(db: Kysely<Database>, id: string, enabled: boolean, allowPrivate: boolean, ctx: ConsentContext) {
  return db.transaction().execute(async (trx) => {
    const endpoint = await editWebhookEndpoint(trx, id, { enabled }, allowPrivate);
    await recordOperatorAction(trx, ctx, 'webhook_endpoint_changed', { id, enabled });
    return endpoint;
  });
}
