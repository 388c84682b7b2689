import { type Kysely, type MigrationProvider, Migrator } from 'kysely';
import { migrations } from '../../migrations/index.js';

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies every pending migration; idempotent. Returns the names applied now. */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on the schema before it exists (Kysely<any>, as the migrations).
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // Engineers number their migrations in ranges of their own, so one may land (0010) after a database
  // already ran a higher one (0020): each creates only its own tables, and applying it late is safe.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
