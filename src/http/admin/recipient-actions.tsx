// What an editor can do for a person: unsubscribe, refuse all marketing, suppress, record consent with
// evidence, export and erase (typed confirmation). Each goes through the domain verb that the API and
// pages use, with `operator:ID` as the actor, so the ledger records who did it.
import { Hono } from 'hono';
import { AppError } from '../../core/errors.js';
import { UUID_PATTERN } from '../../core/ids.js';
import type { Category } from '../../core/vocabulary.js';
import { setMarketingOptOut } from '../../domain/consent/preferences.js';
import { unsubscribeFromCategory } from '../../domain/consent/unsubscribe.js';
import { type RecipientDossier, recordConsentForRecipient } from '../../domain/console/recipients.js';
import { eraseRecipient } from '../../domain/privacy/erasure.js';
import { exportRecipientData } from '../../domain/privacy/export.js';
import { getCategory } from '../../domain/recipients/categories.js';
import { getRecipient } from '../../domain/recipients/recipients.js';
import { addSuppression } from '../../domain/recipients/suppressions.js';
import type { AppEnv } from '../env.js';
import { field, readForm } from '../pages/form.js';
import { assertCsrf, operatorActor, requirePermission } from './guard.js';
import { type AdminContext, Csrf } from './layout.js';

export function RecipientActions(props: { a: AdminContext; d: RecipientDossier; categories: readonly Category[] }) {
  const { a } = props;
  const { t } = a;
  const r = props.d.recipient;
  const action = (name: string) => `${a.base}/recipients/${r.id}/${name}`;
  const marketing = props.categories.filter((c) => c.kind === 'marketing');
  return (
    <section class="card" aria-labelledby="actions-h">
      <h2 id="actions-h">{t.actionsHeading}</h2>
      <div class="grid">
        <form method="post" action={action('unsubscribe')}>
          <Csrf a={a} />
          <fieldset>
            <legend>{t.unsubscribeLegend}</legend>
            <label for="unsub-category">{t.colCategory}</label>{' '}
            <select id="unsub-category" name="category">
              {marketing.map((c) => (
                <option value={c.key}>{c.name}</option>
              ))}
            </select>{' '}
            <button type="submit">{t.unsubscribeButton}</button>
          </fieldset>
        </form>
        <form method="post" action={action('opt-out')}>
          <Csrf a={a} />
          <fieldset>
            <legend>{t.labelMarketing}</legend>
            <button type="submit" class="secondary" disabled={r.marketingOptOut}>
              {t.optOutAllButton}
            </button>
          </fieldset>
        </form>
        <form method="post" action={action('suppress')}>
          <Csrf a={a} />
          <fieldset>
            <legend>{t.suppressLegend}</legend>
            <label for="suppress-note">{t.noteLabel}</label> <input id="suppress-note" name="note" type="text" maxlength={500} />{' '}
            <button type="submit">{t.suppressButton}</button>
          </fieldset>
        </form>
        <form method="post" action={action('consent')}>
          <Csrf a={a} />
          <fieldset>
            <legend>{t.consentLegend}</legend>
            <p>
              <label for="consent-category">{t.colCategory}</label>{' '}
              <select id="consent-category" name="category">
                {marketing
                  .filter((c) => !c.archived)
                  .map((c) => (
                    <option value={c.key}>{c.name}</option>
                  ))}
              </select>
            </p>
            <label for="consent-evidence">{t.evidenceLabel}</label>
            <textarea id="consent-evidence" name="evidence" required minlength={10} maxlength={2000} aria-describedby="consent-hint" />
            <p class="hint" id="consent-hint">
              {t.evidenceHint}
            </p>
            <p>
              <label class="check">
                <input type="checkbox" name="acknowledge" value="yes" /> {t.acknowledgeLabel}
              </label>
            </p>
            <button type="submit">{t.consentButton}</button>
          </fieldset>
        </form>
        <div>
          <form method="post" action={action('export')} id="export">
            <Csrf a={a} />
            <p>
              <button type="submit" class="secondary">
                {t.exportButton}
              </button>
            </p>
          </form>
          <form method="post" action={action('erase')}>
            <Csrf a={a} />
            <fieldset>
              <legend>{t.eraseLegend}</legend>
              <p class="hint" id="erase-hint">
                {t.eraseHint(r.email)}
              </p>
              <label for="erase-confirm">{t.eraseConfirmLabel}</label>{' '}
              <input id="erase-confirm" name="confirm" type="text" autocomplete="off" required aria-describedby="erase-hint" />{' '}
              <button type="submit" class="danger">
                {t.eraseButton}
              </button>
            </fieldset>
          </form>
        </div>
      </div>
    </section>
  );
}

const recipientId = (raw: string | undefined) => {
  if (!raw || !UUID_PATTERN.test(raw)) throw new AppError('not_found', 'Recipient was not found.');
  return raw;
};

export const recipientActions = new Hono<AppEnv>()
  .use('/:id/*', requirePermission('act'))
  .post('/:id/unsubscribe', async (c) => {
    const form = await readForm(c);
    assertCsrf(c, form);
    const id = recipientId(c.req.param('id'));
    const category = await getCategory(c.var.deps.db, field(form, 'category') ?? '');
    await unsubscribeFromCategory(c.var.deps.db, id, category, operatorActor(c));
    return c.redirect(`${c.req.path.replace(/\/unsubscribe$/, '')}?done=unsubscribed`, 303);
  })
  .post('/:id/opt-out', async (c) => {
    assertCsrf(c, await readForm(c));
    const id = recipientId(c.req.param('id'));
    await setMarketingOptOut(c.var.deps.db, id, true, operatorActor(c));
    return c.redirect(`${c.req.path.replace(/\/opt-out$/, '')}?done=opted-out`, 303);
  })
  .post('/:id/suppress', async (c) => {
    const form = await readForm(c);
    assertCsrf(c, form);
    const { db, config } = c.var.deps;
    const recipient = await getRecipient(db, recipientId(c.req.param('id')));
    const note = (field(form, 'note') ?? '').trim().slice(0, 500) || null;
    await addSuppression(db, config.hashKey, { email: recipient.email, reason: 'manual', note }, operatorActor(c));
    return c.redirect(`${c.req.path.replace(/\/suppress$/, '')}?done=suppressed`, 303);
  })
  .post('/:id/consent', async (c) => {
    const form = await readForm(c);
    assertCsrf(c, form);
    const { db, config, systemMail } = c.var.deps;
    const outcome = await recordConsentForRecipient(
      db,
      config,
      systemMail,
      {
        recipientId: recipientId(c.req.param('id')),
        categoryKey: field(form, 'category') ?? '',
        evidence: (field(form, 'evidence') ?? '').slice(0, 2000),
        acknowledgeRefusal: field(form, 'acknowledge') === 'yes',
      },
      operatorActor(c),
    );
    const done = outcome === 'unchanged' ? 'unchanged' : outcome === 'pending' ? 'pending' : 'consent';
    return c.redirect(`${c.req.path.replace(/\/consent$/, '')}?done=${done}`, 303);
  })
  // A POST with the CSRF token, not a link: a person's whole record must not be fetchable by a request
  // another page makes, whatever SameSite a browser enforces (OWASP CSRF Prevention Cheat Sheet). A GET
  // (an old bookmark) goes to the person's page, where the export button is.
  .get('/:id/export', (c) => c.redirect(`${c.req.path.replace(/\/export$/, '')}#export`, 303))
  .post('/:id/export', async (c) => {
    assertCsrf(c, await readForm(c));
    const { db, config } = c.var.deps;
    const id = recipientId(c.req.param('id'));
    const data = await exportRecipientData(db, config.hashKey, id, operatorActor(c));
    c.header('Content-Disposition', `attachment; filename="recipient-${id}.json"`);
    return c.json(data);
  })
  .post('/:id/erase', async (c) => {
    const form = await readForm(c);
    assertCsrf(c, form);
    const { db, config } = c.var.deps;
    const recipient = await getRecipient(db, recipientId(c.req.param('id')));
    if ((field(form, 'confirm') ?? '').trim().toLowerCase() !== recipient.email.trim().toLowerCase()) {
      throw new AppError('invalid_field', 'The address typed does not match: nothing was erased.', {
        errors: [{ path: 'confirm', message: 'does not match' }],
      });
    }
    await eraseRecipient(db, config.hashKey, recipient.id, operatorActor(c));
    return c.redirect(`${c.req.path.replace(/\/[^/]+\/erase$/, '')}?done=erased`, 303);
  });
