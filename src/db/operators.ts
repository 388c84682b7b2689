// Operators of the console and their sessions. Tokens arrive here already hashed.
import type { Kysely, Selectable } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Database, OperatorRole, OperatorSessionsTable, OperatorsTable } from './schema.js';

export type OperatorRow = Selectable<OperatorsTable>;
export type OperatorSessionRow = Selectable<OperatorSessionsTable>;
export type { OperatorRole };

export async function insertOperator(db: Kysely<Database>, row: OperatorRow): Promise<boolean> {
  const inserted = await db
    .insertInto('operators')
    .values(row)
    .onConflict((oc) => oc.column('email_normalized').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

// One operator by normalized address (sign-in) or by id.
export async function findOperator(db: Kysely<Database>, by: 'id' | 'email_normalized', value: string): Promise<OperatorRow | undefined> {
  return db.selectFrom('operators').selectAll().where(by, '=', value).executeTakeFirst();
}

// The operator whose unexpired set-password link has this token hash.
export async function findOperatorBySetupToken(db: Kysely<Database>, tokenHash: string, now: string): Promise<OperatorRow | undefined> {
  return db
    .selectFrom('operators')
    .selectAll()
    .where('setup_token_hash', '=', tokenHash)
    .where('setup_expires_at', '>', now)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
}

// Every operator, oldest first.
export async function listOperatorRows(db: Kysely<Database>): Promise<OperatorRow[]> {
  return db.selectFrom('operators').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function updateOperatorRow(
  db: Kysely<Database>,
  id: string,
  set: Partial<Pick<OperatorRow, 'password_hash' | 'setup_token_hash' | 'setup_expires_at' | 'disabled_at' | 'role'>>,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('operators')
    .set({ ...set, updated_at: at })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// The ids of the operators who can sign in as admin now (role admin, a password, not disabled). On
// PostgreSQL their rows stay locked until the transaction ends, so two admins demoting each other at
// once are decided one after the other (the second sees the first's change); SQLite runs one
// transaction at a time anyway.
export async function lockActiveAdmins(trx: Kysely<Database>): Promise<string[]> {
  const query = trx
    .selectFrom('operators')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .where('password_hash', 'is not', null)
    .orderBy('id');
  return (await (isPostgres(trx) ? query.forUpdate() : query).execute()).map((r) => r.id);
}

// Notes a sign-in, for the operators screen.
export async function markSignedIn(db: Kysely<Database>, id: string, at: string): Promise<void> {
  await db.updateTable('operators').set({ last_sign_in_at: at }).where('id', '=', id).execute();
}

// Spends a set-password link: only one request can, the second finds the hash gone.
export async function consumeSetupToken(db: Kysely<Database>, id: string, tokenHash: string, passwordHash: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('operators')
    .set({ password_hash: passwordHash, setup_token_hash: null, setup_expires_at: null, updated_at: at })
    .where('id', '=', id)
    .where('setup_token_hash', '=', tokenHash)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// Changes a password only if it is still the one just checked: of two changes at once, one wins.
export async function replacePasswordHash(db: Kysely<Database>, id: string, expected: string, passwordHash: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('operators')
    .set({ password_hash: passwordHash, updated_at: at })
    .where('id', '=', id)
    .where('password_hash', '=', expected)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function insertSession(db: Kysely<Database>, row: OperatorSessionRow): Promise<void> {
  await db.insertInto('operator_sessions').values(row).execute();
}

// A session with its operator, for every console request.
export async function findSession(db: Kysely<Database>, id: string): Promise<{ session: OperatorSessionRow; operator: OperatorRow } | undefined> {
  const session = await db.selectFrom('operator_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!session) return undefined;
  const operator = await findOperator(db, 'id', session.operator_id);
  return operator && { session, operator };
}

export async function touchSession(db: Kysely<Database>, id: string, at: string): Promise<void> {
  await db.updateTable('operator_sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function deleteSession(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('operator_sessions').where('id', '=', id).execute();
}

// Signs an operator out everywhere (sign-out everywhere, disable, reset, a new password).
export async function deleteSessionsOf(db: Kysely<Database>, operatorId: string): Promise<number> {
  const result = await db.deleteFrom('operator_sessions').where('operator_id', '=', operatorId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// Forgets sessions past their absolute end.
export async function deleteEndedSessions(db: Kysely<Database>, now: string): Promise<void> {
  await db.deleteFrom('operator_sessions').where('expires_at', '<=', now).execute();
}
