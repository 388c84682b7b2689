// Operators of the console: created with a role and a one-time link to set their password (valid 24 h),
// listed, disabled, reset. Disabling or resetting signs the operator out everywhere.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isValidEmail, normalizeEmail } from '../../core/email.js';
import { AppError, conflict, invalidField, notFound } from '../../core/errors.js';
import { newId, nowIso, UUID_PATTERN } from '../../core/ids.js';
import {
  consumeSetupToken,
  deleteSessionsOf,
  findOperator,
  findOperatorBySetupToken,
  insertOperator,
  listOperatorRows,
  type OperatorRow,
  updateOperatorRow,
} from '../../db/operators.js';
import type { Database } from '../../db/schema.js';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, SCRYPT_COST } from './passwords.js';
import type { OperatorRole } from './roles.js';

export const SETUP_LINK_HOURS = 24;

export interface Operator {
  id: string;
  email: string;
  role: OperatorRole;
  /** `invited` until a password is set from the link. */
  state: 'invited' | 'active' | 'disabled';
  createdAt: string;
  lastSignInAt: string | null;
}

export const toOperator = (r: OperatorRow): Operator => ({
  id: r.id,
  email: r.email,
  role: r.role,
  state: r.disabled_at ? 'disabled' : r.password_hash ? 'active' : 'invited',
  createdAt: r.created_at,
  lastSignInAt: r.last_sign_in_at,
});

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

function newSetupLink(publicUrl: string, now: Date) {
  const token = randomBytes(32).toString('base64url');
  return {
    url: `${publicUrl}/admin/set-password/${token}`,
    set: { setup_token_hash: tokenHash(token), setup_expires_at: new Date(now.getTime() + SETUP_LINK_HOURS * 3600_000).toISOString() },
  };
}

export async function createOperator(
  db: Kysely<Database>,
  publicUrl: string,
  input: { email: string; role: OperatorRole },
  now = new Date(),
): Promise<{ operator: Operator; link: string }> {
  const email = input.email.trim();
  if (!isValidEmail(email)) throw invalidField('email', 'not a valid email address');
  const link = newSetupLink(publicUrl, now);
  const at = now.toISOString();
  const row: OperatorRow = {
    id: newId(),
    email,
    email_normalized: normalizeEmail(email),
    role: input.role,
    password_hash: null,
    disabled_at: null,
    created_at: at,
    updated_at: at,
    last_sign_in_at: null,
    ...link.set,
  };
  if (!(await insertOperator(db, row))) throw conflict('An operator with that email address already exists.');
  return { operator: toOperator(row), link: link.url };
}

export async function listOperators(db: Kysely<Database>): Promise<Operator[]> {
  return (await listOperatorRows(db)).map(toOperator);
}

/** An operator by id or address. */
export async function findOperatorByRef(db: Kysely<Database>, ref: string): Promise<OperatorRow> {
  const row = UUID_PATTERN.test(ref) ? await findOperator(db, 'id', ref) : await findOperator(db, 'email_normalized', normalizeEmail(ref.slice(0, 320)));
  if (!row) throw notFound('Operator');
  return row;
}

export async function disableOperator(db: Kysely<Database>, ref: string): Promise<Operator> {
  return db.transaction().execute(async (trx) => disableOperatorRow(trx, await findOperatorByRef(trx, ref)));
}

/** disableOperator inside the caller's transaction (the console's, which also writes the ledger). */
export async function disableOperatorRow(trx: Kysely<Database>, row: OperatorRow): Promise<Operator> {
  const at = nowIso();
  if (!row.disabled_at) await updateOperatorRow(trx, row.id, { disabled_at: at, setup_token_hash: null, setup_expires_at: null }, at);
  await deleteSessionsOf(trx, row.id);
  return toOperator({ ...row, disabled_at: row.disabled_at ?? at });
}

/** Forgets the password, signs the operator out everywhere and issues a new link; a disabled operator is enabled again. */
export async function resetOperator(db: Kysely<Database>, publicUrl: string, ref: string, now = new Date()): Promise<{ operator: Operator; link: string }> {
  return db.transaction().execute(async (trx) => resetOperatorRow(trx, publicUrl, await findOperatorByRef(trx, ref), now));
}

/** resetOperator inside the caller's transaction. */
export async function resetOperatorRow(
  trx: Kysely<Database>,
  publicUrl: string,
  row: OperatorRow,
  now = new Date(),
): Promise<{ operator: Operator; link: string }> {
  const link = newSetupLink(publicUrl, now);
  await updateOperatorRow(trx, row.id, { password_hash: null, disabled_at: null, ...link.set }, now.toISOString());
  await deleteSessionsOf(trx, row.id);
  return { operator: toOperator({ ...row, password_hash: null, disabled_at: null }), link: link.url };
}

export function checkPasswordRules(password: string, field = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw invalidField(field, `at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw invalidField(field, `at most ${MAX_PASSWORD_LENGTH} characters`);
}

/** Whether a set-password link is still good (the page shows the form only then). */
export async function setupLinkOperator(db: Kysely<Database>, token: string, now = new Date()): Promise<Operator | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const row = await findOperatorBySetupToken(db, tokenHash(token), now.toISOString());
  return row && toOperator(row);
}

/** Sets the password from a one-time link; every older session of the operator ends. */
export async function setPasswordWithLink(
  db: Kysely<Database>,
  token: string,
  password: string,
  now = new Date(),
  scryptCost = SCRYPT_COST,
): Promise<Operator> {
  checkPasswordRules(password);
  const operator = await setupLinkOperator(db, token, now);
  if (!operator) throw new AppError('not_found', 'This link is not valid any more: ask an admin for a new one.');
  const hash = await hashPassword(password, scryptCost);
  const spent = await db.transaction().execute(async (trx) => {
    if (!(await consumeSetupToken(trx, operator.id, tokenHash(token), hash, now.toISOString()))) return false;
    await deleteSessionsOf(trx, operator.id);
    return true;
  });
  if (!spent) throw new AppError('not_found', 'This link is not valid any more: ask an admin for a new one.');
  return { ...operator, state: 'active' };
}
