// Mail mailprefs sends on a person's own request (a fresh preferences link, a double opt-in
// confirmation, a link confirming a new address). Not marketing: it goes through the transactional
// path, so only a hard bounce stops it.
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { newId } from '../../core/ids.js';
import type { MailTrace } from '../../core/vocabulary.js';
import { findCategoryByKey } from '../../db/categories.js';
import { findRecipient } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { dispatchNotices, type NoticeCategory } from './dispatch.js';
import type { Mailer } from './mailer.js';
import type { NoticeRuntime } from './runtime.js';
import { validateData } from './template-spec.js';

type TracedData = (trace: MailTrace) => Record<string, string>;

const SYSTEM_CATEGORY: NoticeCategory = { id: 'system', key: 'system', name: 'account messages', kind: 'transactional', consent: 'opt_out', archived: false };

/** What the person asked for, as the confirmation mail names it (templates are in English). */
const STEP_UP_REQUESTS = { export: 'download your data', delete: 'delete your data', email: 'change your email address' } as const;

export function createSystemMail(db: Kysely<Database>, config: Config, runtime: NoticeRuntime): Mailer {
  const ctx = { db, config, runtime, actor: 'system' };
  /** `traced`: the data that names the notice, rendered once its id is minted (before it is recorded). */
  const send = async (recipientId: string, templateName: string, data: Record<string, string>, idempotencyKey?: string, traced?: TracedData) => {
    const recipient = await findRecipient(db, { by: 'id', value: recipientId });
    if (!recipient) return;
    const template = await runtime.templates.get(templateName);
    const noticeId = newId();
    const all = { ...data, ...traced?.({ noticeId }) };
    // ownerId: the person decided here; should they be erased before dispatch, nobody is made again.
    await dispatchNotices(ctx, SYSTEM_CATEGORY, template, [
      { email: recipient.email, ownerId: recipient.id, idempotencyKey, noticeId, data: validateData(template.schema, all) },
    ]);
  };
  const sendTo = async (recipientId: string, email: string, templateName: string, data: Record<string, string>, idempotencyKey?: string) => {
    const template = await runtime.templates.get(templateName);
    await dispatchNotices(ctx, SYSTEM_CATEGORY, template, [{ email, recipientId, idempotencyKey, data: validateData(template.schema, data) }]);
  };
  return {
    sendPreferencesLink: (recipientId, preferencesUrl, idempotencyKey) =>
      send(recipientId, 'preferences-link', {}, idempotencyKey, (trace) => ({ link: preferencesUrl(trace) })),
    sendConfirmation: async (recipientId, categoryKey, confirmUrl, idempotencyKey) => {
      const category = await findCategoryByKey(db, categoryKey);
      // Confirming would be refused (an archived category takes no new subscriptions): ask for nothing.
      if (category?.archived) return;
      const data = { categoryName: category?.name ?? categoryKey };
      await send(recipientId, 'confirm-subscription', data, idempotencyKey, (trace) => ({ confirmUrl: confirmUrl(trace) }));
    },
    sendEmailChangeLink: (recipientId, newEmail, confirmUrl, idempotencyKey) => sendTo(recipientId, newEmail, 'email-change', { confirmUrl }, idempotencyKey),
    sendStepUpLink: (recipientId, action, confirmUrl, idempotencyKey) =>
      send(recipientId, 'confirm-identity', { request: STEP_UP_REQUESTS[action], confirmUrl }, idempotencyKey),
  };
}
