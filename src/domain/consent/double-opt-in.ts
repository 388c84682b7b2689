// Double opt-in: a subscription that became `pending` asks the person to confirm by email. The caller
// that learns a change left categories pending requests the mail after the change commits (never from
// inside a transaction), through the notices path, which records it before calling the provider.
import type { Config } from '../../config.js';
import type { Category } from '../../core/vocabulary.js';
import { confirmUrlFor } from '../links/email-links.js';
import type { Mailer } from '../notices/mailer.js';
import { SILENT_TELEMETRY, type Telemetry } from '../operations/telemetry.js';

/**
 * Sends one confirmation per category. A failure is logged by class only (no address) and does not
 * undo the change: the choice is saved, and the person can ask again.
 */
export async function requestConfirmations(
  mailer: Mailer | undefined,
  config: Pick<Config, 'publicUrl' | 'signingKeys'>,
  recipientId: string,
  categories: readonly Pick<Category, 'id' | 'key'>[],
  telemetry: Telemetry = SILENT_TELEMETRY,
): Promise<void> {
  if (!mailer) return;
  for (const category of categories) {
    try {
      await mailer.sendConfirmation(recipientId, category.key, confirmUrlFor(config, recipientId, category.id));
    } catch (err) {
      telemetry.event('error', 'confirmation_not_recorded', { errorName: err instanceof Error ? err.name : typeof err });
    }
  }
}
