// `/u/TOKEN`: unsubscribing from one category. GET only shows a page (mail scanners open every link);
// POST with the RFC 8058 body `List-Unsubscribe=One-Click` unsubscribes at once and answers a short 200,
// never a redirect (RFC 8058 §3.2); POST from the page's own form shows a page with "Undo".
import { type Context, Hono } from 'hono';
import { AppError, notFound } from '../../core/errors.js';
import { requestConfirmations } from '../../domain/consent/double-opt-in.js';
import { isChosen } from '../../domain/consent/preferences.js';
import { PRIOR_STATES, type PriorState, undoUnsubscribe, unsubscribeByLink, unsubscribeFromCategory } from '../../domain/consent/unsubscribe.js';
import { type CategoryLink, categoryTokenIds, resolveCategoryToken } from '../../domain/links/resolve-link-token.js';
import type { AppEnv } from '../env.js';
import { type Form, field, readForm, recipientActor } from './form.js';
import { assertSameOrigin } from './guard.js';
import { ManageLink, Message, pageContext, preferencesHref, renderPage } from './page.js';

async function linkOf(c: Context<AppEnv>): Promise<CategoryLink> {
  const link = await resolveCategoryToken(c.var.deps.db, c.var.deps.config, c.req.param('token') ?? '', 'unsubscribe');
  if (!link) throw notFound('Link');
  if (link.category.kind !== 'marketing') throw new AppError('transactional_refusal', 'Transactional email cannot be refused.');
  return link;
}

// Surrounding whitespace is tolerated: some senders end the body with a line break.
const isOneClick = (form: Form) => field(form, 'List-Unsubscribe')?.trim() === 'One-Click';

export const unsubscribePages = new Hono<AppEnv>()
  .get('/:token', async (c) => {
    const { recipient, category, trace } = await linkOf(c);
    const p = pageContext(c, recipient.locale);
    const manage = <ManageLink href={preferencesHref(c, p, recipient.id, trace)} label={p.t.manageAll} />;
    if (recipient.marketingOptOut || !isChosen(category, recipient.subscriptions[category.key]?.status ?? null)) {
      const lead = recipient.marketingOptOut ? p.t.optedOutAllLead : p.t.notSubscribedLead;
      return renderPage(
        c,
        p,
        p.t.notSubscribedHeading(category.name),
        <Message heading={p.t.notSubscribedHeading(category.name)} lead={lead}>
          {manage}
        </Message>,
      );
    }
    const body = (
      <Message heading={p.t.unsubscribeHeading(category.name)} lead={p.t.unsubscribeLead(category.name, p.org)}>
        <form method="post" class="actions">
          <button type="submit" name="action" value="unsubscribe">
            {p.t.unsubscribeButton}
          </button>
        </form>
        {manage}
      </Message>
    );
    return renderPage(c, p, p.t.unsubscribeButton, body);
  })
  .post('/:token', async (c) => {
    const form = await readForm(c);
    const { db, config } = c.var.deps;
    if (isOneClick(form)) {
      const ids = categoryTokenIds(config, c.req.param('token'), 'unsubscribe');
      const done = ids && (await unsubscribeByLink(db, ids.recipientId, ids.categoryId, { ...recipientActor(c, 'one_click'), trace: ids.trace }));
      if (!done) return c.text('This link is not valid.', 404);
      return c.text('You are unsubscribed.', 200);
    }
    assertSameOrigin(c);
    const { recipient, category, trace } = await linkOf(c);
    const p = pageContext(c, recipient.locale);
    const manage = <ManageLink href={preferencesHref(c, p, recipient.id, trace)} label={p.t.manageAll} />;
    const actor = { ...recipientActor(c, 'unsubscribe_page'), trace };
    const action = field(form, 'action') ?? 'unsubscribe';

    if (action === 'undo') {
      const previous = field(form, 'previous') as PriorState | undefined;
      if (!previous || !PRIOR_STATES.includes(previous)) throw new AppError('malformed_body', 'Unknown previous state.');
      const now = await undoUnsubscribe(db, recipient.id, category, previous, actor);
      if (now === 'pending') {
        await requestConfirmations(db, c.var.deps.systemMail, c.var.deps.config, recipient.id, c.var.telemetry);
        return renderPage(
          c,
          p,
          p.t.confirmSentHeading(category.name),
          <Message role="status" heading={p.t.confirmSentHeading(category.name)} lead={p.t.confirmSentLead}>
            {manage}
          </Message>,
        );
      }
      const heading = now === 'subscribed' ? p.t.resubscribedHeading(category.name) : p.t.notSubscribedHeading(category.name);
      return renderPage(
        c,
        p,
        heading,
        <Message role="status" heading={heading} lead={p.t.resubscribedLead}>
          {manage}
        </Message>,
      );
    }
    if (action !== 'unsubscribe') throw new AppError('malformed_body', 'Unknown action.');

    const outcome = await unsubscribeFromCategory(db, recipient.id, category, actor);
    const body = (
      <Message role="status" heading={p.t.unsubscribedHeading(category.name)} lead={p.t.unsubscribedLead(category.name, p.org)}>
        {outcome.changed && !category.archived && (
          <form method="post" class="undo">
            <input type="hidden" name="previous" value={outcome.previous} />
            <span>{p.t.undoHint}</span>{' '}
            <button type="submit" name="action" value="undo" class="secondary">
              {p.t.undoButton}
            </button>
          </form>
        )}
        {manage}
      </Message>
    );
    return renderPage(c, p, p.t.unsubscribedHeading(category.name), body);
  })
  .all('*', () => {
    throw notFound('Link');
  });
