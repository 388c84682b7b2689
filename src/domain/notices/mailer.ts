// The one mailer port: mail that mailprefs sends on its own behalf, on a person's request. The notices
// module implements it over the real transport (system-mail.ts); tests may record instead.
export interface Mailer {
  /** A fresh preferences link (the `/p` form). */
  sendPreferencesLink(recipientId: string, preferencesUrl: string): Promise<void>;
  /** A double opt-in confirmation for one category; `idempotencyKey` records it once however often it is asked. */
  sendConfirmation(recipientId: string, categoryKey: string, confirmUrl: string, idempotencyKey?: string): Promise<void>;
  /** Mailed to the NEW address: whoever reads it there confirms the change (src/domain/self-service/email-change.ts). */
  sendEmailChangeLink(recipientId: string, newEmail: string, confirmUrl: string): Promise<void>;
  /** Mailed to the address ON FILE before a data right is exercised (src/domain/self-service/step-up.ts). */
  sendStepUpLink(recipientId: string, action: 'export' | 'delete' | 'email', confirmUrl: string): Promise<void>;
}
