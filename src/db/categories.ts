import type { Kysely, Selectable } from 'kysely';
import type { Category } from '../core/vocabulary.js';
import { isPostgres } from './dialect.js';
import type { CategoriesTable, Database } from './schema.js';

type CategoryRow = Selectable<CategoriesTable>;

export function toCategory(row: CategoryRow): Category {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    kind: row.kind,
    consent: row.consent,
    doubleOptIn: Boolean(row.double_opt_in),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archived: row.archived_at !== null,
    archivedAt: row.archived_at,
  };
}

// Inserts a category; returns false when the key is taken (the caller answers 409).
export async function insertCategory(db: Kysely<Database>, c: Category): Promise<boolean> {
  const inserted = await db
    .insertInto('categories')
    .values({
      id: c.id,
      key: c.key,
      name: c.name,
      description: c.description,
      kind: c.kind,
      consent: c.consent,
      double_opt_in: c.doubleOptIn ? 1 : 0,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      archived_at: c.archivedAt,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

// Every category, in the order they were created.
export async function listCategories(db: Kysely<Database>): Promise<Category[]> {
  const rows = await db.selectFrom('categories').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toCategory);
}

// `forUpdate` holds the row until the transaction ends (PostgreSQL; SQLite runs one transaction at a
// time), so two archive requests at once are decided one after the other.
export async function findCategoryByKey(db: Kysely<Database>, key: string, opts: { forUpdate?: boolean } = {}): Promise<Category | undefined> {
  const query = db.selectFrom('categories').selectAll().where('key', '=', key);
  const row = await (opts.forUpdate && isPostgres(db) ? query.forUpdate() : query).executeTakeFirst();
  return row && toCategory(row);
}

// The editable fields only: key and kind never change after creation (docs/api.md "Words").
export async function updateCategory(
  db: Kysely<Database>,
  key: string,
  patch: { name?: string; description?: string | null; consent?: Category['consent']; doubleOptIn?: boolean; archivedAt?: string | null },
  updatedAt: string,
): Promise<Category | undefined> {
  const row = await db
    .updateTable('categories')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.consent !== undefined && { consent: patch.consent }),
      ...(patch.doubleOptIn !== undefined && { double_opt_in: patch.doubleOptIn ? 1 : 0 }),
      ...(patch.archivedAt !== undefined && { archived_at: patch.archivedAt }),
      updated_at: updatedAt,
    })
    .where('key', '=', key)
    .returningAll()
    .executeTakeFirst();
  return row && toCategory(row);
}

export async function findCategoryById(db: Kysely<Database>, id: string): Promise<Category | undefined> {
  const row = await db.selectFrom('categories').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toCategory(row);
}
