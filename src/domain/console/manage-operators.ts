// Managing operators, from the console (docs/console.md "Operators") or the CLI: the verbs of
// operators.ts, each in one transaction with its ledger event. The event holds the operator's id and role, never their address:
// the ledger is kept for ever and an operator is a person too (GDPR Art. 5(1)(c), minimisation).
//
// Two rules keep the console from locking itself out: an admin cannot demote, disable or reset their
// own account here (another admin, or the CLI on the server, can), and no change may leave it without
// an active admin (role admin, a password set, not disabled). The CLI stays the way back in
// (`mailprefs operators create|reset` on the server), so it is bound by neither.
import type { Kysely } from 'kysely';
import { conflict, notFound } from '../../core/errors.js';
import { UUID_PATTERN } from '../../core/ids.js';
import type { ConsentContext } from '../../core/vocabulary.js';
import { findOperator, lockActiveAdmins, type OperatorRow, updateOperatorRow } from '../../db/operators.js';
import type { Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { recordOperatorAction } from './audit.js';
import { createOperator, disableOperatorRow, findOperatorByRef, type Operator, resetOperatorRow, toOperator } from './operators.js';
import type { OperatorRole } from './roles.js';

/** Who acts: the admin's operator id (from the session), or null for the CLI, and the ledger's context for them. */
export interface AdminActor {
  operatorId: string | null;
  ctx: ConsentContext;
}

export const CLI_ACTOR: AdminActor = { operatorId: null, ctx: { source: 'cli', actor: 'system' } };

export async function inviteOperator(
  db: Kysely<Database>,
  publicUrl: string,
  input: { email: string; role: OperatorRole },
  by: AdminActor,
): Promise<{ operator: Operator; link: string }> {
  return inTransaction(db, async (trx) => {
    const created = await createOperator(trx, publicUrl, input);
    await recordOperatorAction(trx, by.ctx, 'operator_created', { id: created.operator.id, role: input.role });
    return created;
  });
}

export async function changeOperatorRole(db: Kysely<Database>, id: string, role: OperatorRole, by: AdminActor): Promise<Operator> {
  return inTransaction(db, async (trx) => {
    const row = await guardedTarget(trx, id, by, role !== 'admin');
    if (row.role === role) return toOperator(row);
    await updateOperatorRow(trx, row.id, { role }, new Date().toISOString());
    await recordOperatorAction(trx, by.ctx, 'operator_changed', { id: row.id, role: { from: row.role, to: role } });
    return toOperator({ ...row, role });
  });
}

/** Disables the operator and ends every session of theirs. */
export async function disableOperatorAsAdmin(db: Kysely<Database>, id: string, by: AdminActor): Promise<Operator> {
  return inTransaction(db, async (trx) => {
    const row = await guardedTarget(trx, id, by, true);
    if (row.disabled_at) return toOperator(row);
    const operator = await disableOperatorRow(trx, row);
    await recordOperatorAction(trx, by.ctx, 'operator_disabled', { id: row.id });
    return operator;
  });
}

/** Forgets the password, ends their sessions and makes a new one-time link; a disabled operator is enabled again. */
export async function resetOperatorAsAdmin(db: Kysely<Database>, publicUrl: string, id: string, by: AdminActor): Promise<{ operator: Operator; link: string }> {
  return inTransaction(db, async (trx) => {
    const row = await guardedTarget(trx, id, by, true);
    const reset = await resetOperatorRow(trx, publicUrl, row);
    await recordOperatorAction(trx, by.ctx, 'operator_reset', { id: row.id, enabled: row.disabled_at !== null });
    return reset;
  });
}

/**
 * The operator to change (the CLI names one by id or address), once both rules allow it; `losesAdmin`:
 * the change would end their being an active admin.
 */
async function guardedTarget(trx: Kysely<Database>, id: string, by: AdminActor, losesAdmin: boolean): Promise<OperatorRow> {
  if (by.operatorId === null) return findOperatorByRef(trx, id);
  if (id === by.operatorId) throw conflict('You cannot change your own account here: ask another admin.');
  // Locked before the target is read, so the count below is still true when this transaction commits.
  const admins = await lockActiveAdmins(trx);
  const row = UUID_PATTERN.test(id) ? await findOperator(trx, 'id', id) : undefined;
  if (!row) throw notFound('Operator');
  if (losesAdmin && admins.includes(row.id) && admins.length <= 1) throw conflict('The console must keep at least one active admin.');
  return row;
}
