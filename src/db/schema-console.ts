// Row types of the operator console's tables (operators and their sessions). Part of schema.ts's
// Database; the same conventions.

export type OperatorRole = 'admin' | 'editor' | 'viewer';

export interface OperatorsTable {
  id: string;
  email: string;
  email_normalized: string;
  role: OperatorRole;
  /** `scrypt$N$r$p$salt$key`; null until the operator sets one from their link. */
  password_hash: string | null;
  /** SHA-256 of the one-time set-password token, hex; null once used. */
  setup_token_hash: string | null;
  setup_expires_at: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
  /** Migration 0071; null until the first sign-in. */
  last_sign_in_at: string | null;
}

export interface OperatorSessionsTable {
  /** SHA-256 of the cookie's token, hex: the token itself is never stored. */
  id: string;
  operator_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  /** The absolute end, however active the session is. */
  expires_at: string;
}
