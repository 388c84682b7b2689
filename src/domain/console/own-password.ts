// An operator changing their own password in the console, knowing the current one. The current password
// is checked exactly as at sign-in (checkCredentials: the same limits, error and scrypt work), so this
// form is no better an oracle than the sign-in form for someone holding a stolen session. Success ends
// every session of the operator and starts a new one for this browser (OWASP Session Management Cheat
// Sheet: renew the session id after a password change), and is in the ledger like any operator change.
import type { Kysely } from 'kysely';
import { AppError, invalidField } from '../../core/errors.js';
import type { ConsentContext } from '../../core/vocabulary.js';
import { deleteSessionsOf, replacePasswordHash } from '../../db/operators.js';
import type { Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { recordOperatorAction } from './audit.js';
import { checkPasswordRules } from './operators.js';
import { hashPassword, SCRYPT_COST } from './passwords.js';
import { type ConsoleSession, checkCredentials, startSession } from './sessions.js';

export interface PasswordChange {
  current: string;
  next: string;
  /** The new password typed a second time. */
  repeat: string;
  /** Who is asking, as for sign-in's per-client limit (the client's IP). */
  client: string;
}

export async function changeOwnPassword(
  db: Kysely<Database>,
  hashKey: string,
  session: ConsoleSession,
  input: PasswordChange,
  ctx: ConsentContext,
  now = new Date(),
  scryptCost = SCRYPT_COST,
): Promise<{ token: string; session: ConsoleSession }> {
  checkPasswordRules(input.next, 'newPassword');
  if (input.next !== input.repeat) throw invalidField('repeatPassword', 'does not match the new password');
  const row = await checkCredentials(db, hashKey, { email: session.operator.email, password: input.current, client: input.client }, now, scryptCost);
  const checked = row.password_hash;
  if (row.id !== session.operator.id || checked === null) throw new AppError('unauthorized', 'The address or the password is not right.');
  const hash = await hashPassword(input.next, scryptCost);
  return inTransaction(db, async (trx) => {
    // Another change (or a reset or disable by an admin) since the check wins: this one is refused.
    if (!(await replacePasswordHash(trx, row.id, checked, hash, now.toISOString())))
      throw new AppError('unauthorized', 'The address or the password is not right.');
    await deleteSessionsOf(trx, row.id);
    const started = await startSession(trx, row, now);
    // The id only, never the address or anything of the password (docs/console.md "Who did what").
    await recordOperatorAction(trx, ctx, 'operator_password_changed', { id: row.id });
    return started;
  });
}
