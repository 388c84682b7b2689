// Double opt-in: a subscription that became `pending` asks the person to confirm by email. The mail is
// sent after the change commits (never from inside a transaction), through the notices path, which
// records it before calling the provider and resumes it if the provider is down.
import type { Config } from '../config.js';
import { confirmUrlFor } from './links.js';
import type { SystemMailer } from './notices/system-mail.js';
import type { Category } from './types.js';

export interface ConfirmationSender {
  config: Pick<Config, 'publicUrl' | 'signingKeys'>;
  mailer: Pick<SystemMailer, 'sendConfirmation'>;
}

/** Sends one confirmation per category. A failure is logged by class only (no address) and does not undo the change. */
export async function sendConfirmations(sender: ConfirmationSender, recipientId: string, categories: readonly Pick<Category, 'id' | 'key'>[]): Promise<void> {
  for (const category of categories) {
    try {
      await sender.mailer.sendConfirmation(recipientId, category.key, confirmUrlFor(sender.config, recipientId, category.id));
    } catch (err) {
      console.error(`double opt-in: the confirmation mail could not be recorded (${err instanceof Error ? err.name : 'error'})`);
    }
  }
}
