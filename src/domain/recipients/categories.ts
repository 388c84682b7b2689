import type { Kysely } from 'kysely';
import { conflict, invalidField, notFound } from '../../core/errors.js';
import { newId, nowIso } from '../../core/ids.js';
import type { Category, CategoryKind, ConsentMode } from '../../core/vocabulary.js';
import { findCategoryByKey, insertCategory, listCategories, updateCategory } from '../../db/categories.js';
import type { Database } from '../../db/schema.js';

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
  };
  if (!(await insertCategory(db, category))) throw conflict(`A category with key "${input.key}" already exists.`);
  return category;
}

export { listCategories };

export async function getCategory(db: Kysely<Database>, key: string): Promise<Category> {
  const category = await findCategoryByKey(db, key);
  if (!category) throw notFound(`Category "${key}"`);
  return category;
}

export async function editCategory(
  db: Kysely<Database>,
  key: string,
  patch: { name?: string; description?: string | null; consent?: ConsentMode; doubleOptIn?: boolean },
): Promise<Category> {
  const current = await getCategory(db, key);
  // Transactional mail is mandatory: it has no consent mode to change and nothing to confirm.
  if (current.kind === 'transactional' && (patch.consent !== undefined || patch.doubleOptIn !== undefined)) {
    throw invalidField(patch.consent !== undefined ? 'consent' : 'doubleOptIn', 'a transactional category has no consent mode or double opt-in');
  }
  const updated = await updateCategory(db, key, patch, nowIso());
  if (!updated) throw notFound(`Category "${key}"`);
  return updated;
}
