// The one mailer port: mail that mailprefs sends on its own behalf, on a person's request. The notices
// module implements it over the real transport (system-mail.ts); tests may record instead.
import type { MailTrace } from '../../core/vocabulary.js';

/**
 * A link signed for the mail it is put into: the mailer mints the notice id before rendering and passes
 * it, so the change the link leads to names that mail (docs/api.md "Events"). Without a trace (a
 * recorder with no notice) it is the untraced link.
 */
export type TracedLink = (trace?: MailTrace) => string;

export interface Mailer {
  /** A fresh preferences link (the `/p` form). `idempotencyKey`, here and below: recorded once however often asked. */
  sendPreferencesLink(recipientId: string, preferencesUrl: TracedLink, idempotencyKey?: string): Promise<void>;
  /** A double opt-in confirmation for one category; `idempotencyKey` records it once however often it is asked. */
  sendConfirmation(recipientId: string, categoryKey: string, confirmUrl: TracedLink, idempotencyKey?: string): Promise<void>;
  /** Mailed to the NEW address: whoever reads it there confirms the change (src/domain/self-service/email-change.ts). */
  sendEmailChangeLink(recipientId: string, newEmail: string, confirmUrl: string, idempotencyKey?: string): Promise<void>;
  /** Mailed to the address ON FILE before a data right is exercised (src/domain/self-service/step-up.ts). */
  sendStepUpLink(recipientId: string, action: 'export' | 'delete' | 'email', confirmUrl: string, idempotencyKey?: string): Promise<void>;
}
