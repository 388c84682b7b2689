// What a transport is asked to send and what it answers, whichever provider sits behind it.

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

/** One provider call: one email or a batch, under one idempotency key. */
export interface SendCall {
  idempotencyKey: string;
  emails: readonly OutgoingEmail[];
  /** The caller already took the provider slot for the first attempt (the dispatcher's shared budget). */
  paced?: boolean;
}

/** Per email of an accepted call: its provider id, or why the provider refused that one email. */
export type EmailOutcome = { providerId: string } | { refused: string };

export type SendOutcome =
  | { ok: true; outcomes: EmailOutcome[] }
  /**
   * `retryable`: the provider was unavailable or rate-limited; the same call may be made again later.
   * `invalid`: the provider refused the call's content (a validation error), not the call itself.
   */
  | { ok: false; retryable: boolean; invalid?: boolean; error: string };

export interface Transport {
  readonly name: 'resend' | 'outbox';
  /** At most BATCH_LIMIT emails a call (Resend's batch endpoint limit). Never throws for provider errors. */
  send(call: SendCall): Promise<SendOutcome>;
}

export const BATCH_LIMIT = 100;
