// `/c/TOKEN`: confirming a double opt-in subscription. GET only shows a button (scanners open links;
// a scanner must not be able to give consent on someone's behalf); POST confirms.
import { type Context, Hono } from 'hono';
import { notFound } from '../../core/errors.js';
import { confirmSubscription } from '../../domain/consent/confirm-subscription.js';
import { type CategoryLink, resolveCategoryToken } from '../../domain/links/resolve-link-token.js';
import type { AppEnv } from '../env.js';
import { readForm, recipientActor } from './form.js';
import { assertSameOrigin } from './guard.js';
import { ManageLink, Message, pageContext, preferencesHref, renderPage } from './page.js';

async function linkOf(c: Context<AppEnv>): Promise<CategoryLink> {
  const link = await resolveCategoryToken(c.var.deps.db, c.var.deps.config, c.req.param('token') ?? '', 'confirm');
  if (link?.category.kind !== 'marketing') throw notFound('Link');
  return link;
}

export const confirmPages = new Hono<AppEnv>()
  .get('/:token', async (c) => {
    const { recipient, category } = await linkOf(c);
    const p = pageContext(c, recipient.locale);
    const body = (
      <Message heading={p.t.confirmHeading(category.name)} lead={p.t.confirmLead(category.name, p.org)}>
        <form method="post" class="actions">
          <button type="submit">{p.t.confirmButton}</button>
        </form>
      </Message>
    );
    return renderPage(c, p, p.t.confirmButton, body);
  })
  .post('/:token', async (c) => {
    assertSameOrigin(c);
    await readForm(c);
    const { recipient, category, trace } = await linkOf(c);
    const p = pageContext(c, recipient.locale);
    // A link from a confirmation mail names that mail, on the `subscribed` event and past "Manage all".
    const ctx = { ...recipientActor(c, 'confirmation'), trace };
    const outcome = await confirmSubscription(c.var.deps.db, c.var.deps.config.hashKey, recipient.id, category, ctx);
    const manage = <ManageLink href={preferencesHref(c, p, recipient.id, trace)} label={p.t.manageAll} />;
    if (outcome === 'nothing_pending') {
      return renderPage(
        c,
        p,
        p.t.nothingPendingHeading,
        <Message role="status" heading={p.t.nothingPendingHeading} lead={p.t.nothingPendingLead}>
          {manage}
        </Message>,
        409,
      );
    }
    const heading = p.t.confirmedHeading(category.name);
    return renderPage(
      c,
      p,
      heading,
      <Message role="status" heading={heading} lead={p.t.confirmedLead}>
        {manage}
      </Message>,
    );
  })
  .all('*', () => {
    throw notFound('Link');
  });
