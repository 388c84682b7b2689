// What a person sees when a data right needs the step-up first (docs/privacy.md, "How a person is
// identified"): a plain sentence saying a link goes to their address first, and one button.
import type { Context } from 'hono';
import { displayEmail } from '../../core/email.js';
import { AppError } from '../../core/errors.js';
import type { Recipient } from '../../core/vocabulary.js';
import { requestStepUp, type StepUpAction } from '../../domain/self-service/step-up.js';
import type { AppEnv } from '../env.js';
import { type Form, field } from './form.js';
import { ManageLink, Message, type PageContext, pageContext, renderPage } from './page.js';
import { selfPath } from './preferences.js';
import { maskAddress } from './preferences-view.js';

export function stepUpWhat(p: PageContext, action: StepUpAction): string {
  return action === 'export' ? p.t.stepUpWhatExport : action === 'delete' ? p.t.stepUpWhatDelete : p.t.stepUpWhatEmail;
}

/** GET on an everyday link: say what happens first, offer the button. Spends nothing. */
export function offerStepUp(c: Context<AppEnv>, recipient: Recipient, heading: string): Promise<Response> {
  const p = pageContext(c, recipient.locale);
  const body = (
    <Message heading={heading} lead={p.t.stepUpLead(maskAddress(displayEmail(recipient.email)))}>
      <h2>{p.t.stepUpHeading}</h2>
      <form method="post" class="actions">
        <button type="submit" name="action" value="step_up">
          {p.t.stepUpButton}
        </button>
      </form>
      <ManageLink href={selfPath(c, p)} label={p.t.backToPreferences} />
    </Message>
  );
  return renderPage(c, p, heading, body);
}

/** POST on an everyday link: mail the single-use confirmation to the address on file, and say so. */
export async function sendStepUp(c: Context<AppEnv>, form: Form, recipient: Recipient, action: StepUpAction): Promise<Response> {
  if (field(form, 'action') !== 'step_up') throw new AppError('malformed_body', 'Unknown action.');
  const { db, config, systemMail } = c.var.deps;
  await requestStepUp(db, config, recipient, action, { mailer: systemMail, enqueue: c.var.mailQueue.enqueue });
  const p = pageContext(c, recipient.locale);
  return renderPage(
    c,
    p,
    p.t.requestSentHeading,
    <Message role="status" heading={p.t.requestSentHeading} lead={p.t.stepUpSentLead}>
      <ManageLink href={selfPath(c, p)} label={p.t.backToPreferences} />
    </Message>,
  );
}
