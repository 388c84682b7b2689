// When each console operator last signed in, for the operators screen (docs/console.md). Null until
// the first sign-in. Uses Kysely<any> and no application code.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('operators').addColumn('last_sign_in_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('operators').dropColumn('last_sign_in_at').execute();
}
