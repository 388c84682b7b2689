// `/s/TOKEN`: the single-use link the step-up mailed to the address on file. GET only shows a button
// (mail scanners open links and must not use it up); POST uses it and sends the person on to a verified
// preference link for the right they asked for, valid 30 minutes (docs/privacy.md).
import { type Context, Hono } from 'hono';
import { notFound } from '../../core/errors.js';
import { confirmStepUp, type PendingStepUp, resolveStepUpToken } from '../../domain/self-service/step-up.js';
import type { AppEnv } from '../env.js';
import { readForm } from './form.js';
import { assertSameOrigin } from './guard.js';
import { Message, pageContext, renderPage } from './page.js';
import { stepUpWhat } from './step-up-views.js';

async function pendingOf(c: Context<AppEnv>): Promise<PendingStepUp> {
  const pending = await resolveStepUpToken(c.var.deps.db, c.var.deps.config, c.req.param('token') ?? '');
  if (!pending) throw notFound('Link');
  return pending;
}

export const stepUpPages = new Hono<AppEnv>()
  .get('/:token', async (c) => {
    const { stepUp, recipient } = await pendingOf(c);
    const p = pageContext(c, recipient.locale);
    const body = (
      <Message heading={p.t.stepUpConfirmHeading} lead={p.t.stepUpConfirmLead(stepUpWhat(p, stepUp.action))}>
        <form method="post" class="actions">
          <button type="submit">{p.t.stepUpContinue}</button>
        </form>
      </Message>
    );
    return renderPage(c, p, p.t.stepUpConfirmHeading, body);
  })
  .post('/:token', async (c) => {
    assertSameOrigin(c);
    await readForm(c);
    const pending = await pendingOf(c);
    const p = pageContext(c, pending.recipient.locale);
    // A path under PUBLIC_URL's prefix, as every page link is (page.tsx preferencesHref).
    const verified = await confirmStepUp(c.var.deps.db, { signingKeys: c.var.deps.config.signingKeys, publicUrl: p.base }, pending);
    if (!verified) throw notFound('Link');
    return c.redirect(`${verified}/${pending.stepUp.action}`, 303);
  })
  .all('*', () => {
    throw notFound('Link');
  });
