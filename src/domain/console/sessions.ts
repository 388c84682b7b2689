// Console sessions, kept in the database so every instance shares them and sign-out really ends them.
// The browser holds a random token; the table holds its SHA-256, a CSRF token, and two ends: idle
// (no request for IDLE_MINUTES) and absolute (ABSOLUTE_HOURS after sign-in, however active).
// OWASP Session Management Cheat Sheet: a new id at every sign-in (no fixation), server-side expiry.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isValidEmail, normalizeEmail } from '../../core/email.js';
import { AppError } from '../../core/errors.js';
import {
  deleteEndedSessions,
  deleteSession,
  deleteSessionsOf,
  findOperator,
  findSession,
  insertSession,
  markSignedIn,
  type OperatorRow,
  touchSession,
} from '../../db/operators.js';
import type { Database } from '../../db/schema.js';
import { consumeRateLimit, type RateLimit } from '../access/rate-limit.js';
import { type Operator, tokenHash, toOperator } from './operators.js';
import { decoyHash, MAX_PASSWORD_LENGTH, SCRYPT_COST, verifyPassword } from './passwords.js';

export const IDLE_MINUTES = 30;
export const ABSOLUTE_HOURS = 12;
/** last_seen_at is written at most this often, so reading a page is not a write every time. */
const TOUCH_EVERY_MS = 60_000;

// Per account and per client, counted whether or not the account exists, so a locked answer says
// nothing about which addresses are operators (OWASP Authentication Cheat Sheet, "account lockout").
export const SIGN_IN_LIMITS = {
  account: { scope: 'admin-sign-in-account', max: 5, windowSeconds: 15 * 60 },
  client: { scope: 'admin-sign-in-client', max: 20, windowSeconds: 15 * 60 },
} as const satisfies Record<string, RateLimit>;

export interface ConsoleSession {
  id: string;
  operator: Operator;
  csrfToken: string;
}

/**
 * Signs in with address and password. A wrong password, an unknown address, a disabled operator and
 * one without a password all throw the same `unauthorized` after the same scrypt work.
 */
export async function signIn(
  db: Kysely<Database>,
  hashKey: string,
  input: { email: string; password: string; client: string },
  now = new Date(),
  scryptCost = SCRYPT_COST,
): Promise<{ token: string; session: ConsoleSession }> {
  const row = await checkCredentials(db, hashKey, input, now, scryptCost);
  await deleteEndedSessions(db, now.toISOString());
  const started = await startSession(db, row, now);
  await markSignedIn(db, row.id, now.toISOString());
  return started;
}

/**
 * The operator whose address and password these are, within SIGN_IN_LIMITS; otherwise the one
 * `unauthorized`, after the same scrypt work. Whatever asks for a password goes through here (signing
 * in, changing one's own password), so no form is a cheaper oracle than another.
 */
export async function checkCredentials(
  db: Kysely<Database>,
  hashKey: string,
  input: { email: string; password: string; client: string },
  now = new Date(),
  scryptCost = SCRYPT_COST,
): Promise<OperatorRow> {
  const email = normalizeEmail(input.email.slice(0, 320));
  await consumeRateLimit(db, hashKey, SIGN_IN_LIMITS.client, input.client, now);
  await consumeRateLimit(db, hashKey, SIGN_IN_LIMITS.account, email, now);
  // No operator has a malformed address (PostgreSQL would refuse a NUL outright): skip the lookup, not the work.
  const row = isValidEmail(email) ? await findOperator(db, 'email_normalized', email) : undefined;
  const password = input.password.slice(0, MAX_PASSWORD_LENGTH);
  const usable = row && !row.disabled_at && row.password_hash ? row.password_hash : undefined;
  const matches = await verifyPassword(password, usable ?? (await decoyHash(scryptCost)));
  if (!row || !usable || !matches) throw new AppError('unauthorized', 'The address or the password is not right.');
  return row;
}

/** A new session for the operator: a fresh random token (never one the browser brought) and CSRF token. */
export async function startSession(db: Kysely<Database>, row: OperatorRow, now = new Date()): Promise<{ token: string; session: ConsoleSession }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const at = now.toISOString();
  const id = tokenHash(token);
  await insertSession(db, {
    id,
    operator_id: row.id,
    csrf_token: csrfToken,
    created_at: at,
    last_seen_at: at,
    expires_at: new Date(now.getTime() + ABSOLUTE_HOURS * 3600_000).toISOString(),
  });
  return { token, session: { id, operator: toOperator(row), csrfToken } };
}

/** The live session a cookie's token names, or undefined (unknown, idle too long, past its end, operator disabled). */
export async function resumeSession(db: Kysely<Database>, token: string, now = new Date()): Promise<ConsoleSession | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const found = await findSession(db, tokenHash(token));
  if (!found) return undefined;
  const { session, operator } = found;
  const idleEnd = Date.parse(session.last_seen_at) + IDLE_MINUTES * 60_000;
  if (now.getTime() >= idleEnd || now.toISOString() >= session.expires_at || operator.disabled_at || !operator.password_hash) {
    await deleteSession(db, session.id);
    return undefined;
  }
  if (now.getTime() - Date.parse(session.last_seen_at) >= TOUCH_EVERY_MS) await touchSession(db, session.id, now.toISOString());
  return { id: session.id, operator: toOperator(operator), csrfToken: session.csrf_token };
}

export async function signOut(db: Kysely<Database>, sessionId: string): Promise<void> {
  await deleteSession(db, sessionId);
}

/** Ends every session of the operator, on every device. */
export async function signOutEverywhere(db: Kysely<Database>, operatorId: string): Promise<number> {
  return deleteSessionsOf(db, operatorId);
}

/** Whether a form's CSRF token is the session's, compared in constant time. */
export function csrfMatches(session: ConsoleSession, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
