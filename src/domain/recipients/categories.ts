import type { Kysely } from 'kysely';
import { conflict, invalidField, notFound } from '../../core/errors.js';
import { newId, nowIso } from '../../core/ids.js';
import type { Category, CategoryKind, ConsentContext, ConsentMode } from '../../core/vocabulary.js';
import { findCategoryByKey, insertCategory, listCategories, updateCategory } from '../../db/categories.js';
import { appendConsentEvents } from '../../db/consent-events.js';
import type { Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';

export interface NewCategory {
  key: string;
  name: string;
  description?: string | null;
  kind: CategoryKind;
  consent?: ConsentMode;
  doubleOptIn?: boolean;
}

export async function createCategory(db: Kysely<Database>, input: NewCategory): Promise<Category> {
  const at = nowIso();
  const category: Category = {
    id: newId(),
    key: input.key,
    name: input.name,
    description: input.description ?? null,
    kind: input.kind,
    // Consent modes and double opt-in are marketing notions; a transactional category has neither.
    consent: input.kind === 'transactional' ? 'opt_out' : (input.consent ?? 'opt_in'),
    doubleOptIn: input.kind === 'transactional' ? false : (input.doubleOptIn ?? false),
    createdAt: at,
    updatedAt: at,
    archived: false,
    archivedAt: null,
  };
  if (!(await insertCategory(db, category))) throw conflict(`A category with key "${input.key}" already exists.`);
  return category;
}

export { listCategories };

export async function getCategory(db: Kysely<Database>, key: string, opts: { forUpdate?: boolean } = {}): Promise<Category> {
  const category = await findCategoryByKey(db, key, opts);
  if (!category) throw notFound(`Category "${key}"`);
  return category;
}

export interface CategoryEdit {
  name?: string;
  description?: string | null;
  consent?: ConsentMode;
  doubleOptIn?: boolean;
}

export async function editCategory(db: Kysely<Database>, key: string, patch: CategoryEdit): Promise<Category> {
  const current = await getCategory(db, key);
  // Transactional mail is mandatory: it has no consent mode to change and nothing to confirm.
  if (current.kind === 'transactional' && (patch.consent !== undefined || patch.doubleOptIn !== undefined)) {
    throw invalidField(patch.consent !== undefined ? 'consent' : 'doubleOptIn', 'a transactional category has no consent mode or double opt-in');
  }
  const updated = await updateCategory(db, key, patch, nowIso());
  if (!updated) throw notFound(`Category "${key}"`);
  return updated;
}

/**
 * PATCH /v1/categories/KEY: the editable fields and `archived`, in one transaction, so a request that
 * renames and archives does both or neither. Archiving is the only part written to the ledger here
 * (setCategoryArchivedIn); the console's own edits record `category_changed` as well.
 */
export async function patchCategory(db: Kysely<Database>, key: string, patch: CategoryEdit & { archived?: boolean }, ctx: ConsentContext): Promise<Category> {
  const { archived, ...fields } = patch;
  return inTransaction(db, async (trx) => {
    const locked = await getCategory(trx, key, { forUpdate: true });
    const edited = Object.keys(fields).length > 0 ? await editCategory(trx, key, fields) : locked;
    return archived === undefined ? edited : setCategoryArchivedIn(trx, edited, archived, ctx);
  });
}

/**
 * Archives a category, or puts it back in use (docs/api.md "Categories"). Nothing is deleted: its
 * subscriptions, ledger events and notices stay, so the history still demonstrates consent (GDPR
 * Art. 7(1)) and unarchiving restores every person's state as it was. Idempotent: no change, no event.
 */
export async function setCategoryArchived(db: Kysely<Database>, key: string, archived: boolean, ctx: ConsentContext): Promise<Category> {
  return inTransaction(db, async (trx) => setCategoryArchivedIn(trx, await getCategory(trx, key, { forUpdate: true }), archived, ctx));
}

async function setCategoryArchivedIn(trx: Kysely<Database>, current: Category, archived: boolean, ctx: ConsentContext): Promise<Category> {
  if (current.archived === archived) return current;
  const at = nowIso();
  const updated = await updateCategory(trx, current.key, { archivedAt: archived ? at : null }, at);
  if (!updated) throw notFound(`Category "${current.key}"`);
  await appendConsentEvents(trx, [
    {
      type: archived ? 'category_archived' : 'category_unarchived',
      recipientId: null,
      categoryKey: current.key,
      source: ctx.source,
      actor: ctx.actor,
      ip: ctx.ip ?? null,
      userAgent: ctx.userAgent ?? null,
      detail: { key: current.key, kind: current.kind, ...(ctx.text && { text: ctx.text }) },
      at,
    },
  ]);
  return updated;
}
