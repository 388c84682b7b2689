// `/p/TOKEN/email` asks for a new address and mails a link to it; `/e/TOKEN` (from that mail) confirms.
// On an everyday link the step-up comes first (step-up-views.tsx): the request needs a verified one.
// GET /e only shows a button: mail scanners open links, and must not change anyone's address.
import { type Context, Hono } from 'hono';
import { displayEmail } from '../../core/email.js';
import { notFound } from '../../core/errors.js';
import { confirmEmailChange, type PendingEmailChange, requestEmailChange, resolveEmailChangeToken } from '../../domain/self-service/email-change.js';
import type { AppEnv } from '../env.js';
import { toAppError } from '../problem.js';
import { clientIp, field, readForm, recipientActor } from './form.js';
import { assertSameOrigin } from './guard.js';
import { ManageLink, Message, type PageContext, pageContext, renderPage } from './page.js';
import { accessOf, selfPath } from './preferences.js';
import { maskAddress } from './preferences-view.js';
import { EmailForm } from './request-link.js';
import { offerStepUp, sendStepUp } from './step-up-views.js';

function NewEmailForm(props: { p: PageContext; email?: string; error?: string }) {
  return <EmailForm id="new-email" label={props.p.t.newEmailLabel} button={props.p.t.emailChangeButton} email={props.email} error={props.error} />;
}

async function pendingOf(c: Context<AppEnv>): Promise<PendingEmailChange> {
  const pending = await resolveEmailChangeToken(c.var.deps.db, c.var.deps.config, c.req.param('token') ?? '');
  if (!pending) throw notFound('Link');
  return pending;
}

export const emailChangeRequestPages = new Hono<AppEnv>()
  .get('/:token/email', async (c) => {
    const { recipient, verified } = await accessOf(c);
    const p = pageContext(c, recipient.locale);
    if (!verified) return offerStepUp(c, recipient, p.t.emailChangeHeading);
    const body = (
      <Message heading={p.t.emailChangeHeading} lead={p.t.emailChangeLead(maskAddress(displayEmail(recipient.email)))}>
        <NewEmailForm p={p} />
        <ManageLink href={selfPath(c, p)} label={p.t.backToPreferences} />
      </Message>
    );
    return renderPage(c, p, p.t.emailChangeHeading, body);
  })
  .post('/:token/email', async (c) => {
    assertSameOrigin(c);
    const form = await readForm(c);
    const { recipient, verified } = await accessOf(c);
    if (!verified) return sendStepUp(c, form, recipient, 'email');
    const p = pageContext(c, recipient.locale);
    const email = (field(form, 'email') ?? '').trim();
    const back = <ManageLink href={selfPath(c, p)} label={p.t.backToPreferences} />;
    const { db, config, systemMail } = c.var.deps;
    try {
      await requestEmailChange(db, config, recipient, email, clientIp(c), { mailer: systemMail, enqueue: c.var.mailQueue.enqueue });
    } catch (err) {
      if (toAppError(err)?.code !== 'invalid_field') throw err;
      const body = (
        <Message heading={p.t.emailChangeHeading} lead={p.t.emailChangeLead(maskAddress(displayEmail(recipient.email)))}>
          <NewEmailForm p={p} email={email} error={p.t.invalidEmailLead} />
          {back}
        </Message>
      );
      return renderPage(c, p, p.t.emailChangeHeading, body, 422);
    }
    return renderPage(
      c,
      p,
      p.t.requestSentHeading,
      <Message role="status" heading={p.t.requestSentHeading} lead={p.t.emailChangeSentLead}>
        {back}
      </Message>,
    );
  });

export const emailChangeConfirmPages = new Hono<AppEnv>()
  .get('/:token', async (c) => {
    const { change, recipient } = await pendingOf(c);
    const p = pageContext(c, recipient.locale);
    const body = (
      <Message heading={p.t.confirmEmailHeading} lead={p.t.confirmEmailLead(p.org, displayEmail(change.newEmail))}>
        <form method="post" class="actions">
          <button type="submit">{p.t.confirmEmailButton}</button>
        </form>
      </Message>
    );
    return renderPage(c, p, p.t.confirmEmailHeading, body);
  })
  .post('/:token', async (c) => {
    assertSameOrigin(c);
    await readForm(c);
    const pending = await pendingOf(c);
    const p = pageContext(c, pending.recipient.locale);
    // Whoever holds this link holds the new mailbox, which may not be the person's (a typo): the answer
    // links to nothing of the account (issue 10); the person reaches it from their next email.
    try {
      const recipient = await confirmEmailChange(c.var.deps.db, c.var.deps.config.hashKey, pending, recipientActor(c, 'preference_page'));
      return renderPage(
        c,
        p,
        p.t.emailChangedHeading,
        <Message role="status" heading={p.t.emailChangedHeading} lead={p.t.emailChangedLead(displayEmail(recipient.email))} />,
      );
    } catch (err) {
      if (toAppError(err)?.code !== 'conflict') throw err;
      return renderPage(c, p, p.t.emailTakenHeading, <Message role="alert" heading={p.t.emailTakenHeading} lead={p.t.emailTakenLead} />, 409);
    }
  })
  .all('*', () => {
    throw notFound('Link');
  });
