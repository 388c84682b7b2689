// `/p/TOKEN/export` and `/p/TOKEN/delete`: a person's rights of access, portability and erasure
// (GDPR Art. 15, 17, 20) from the preference page. An everyday link (from any email, perhaps forwarded)
// first mails a single-use confirmation to the address on file (step-up-views.tsx); a verified link
// (what that confirmation leads to, or one an integrator minted) acts.
import { Hono } from 'hono';
import { AppError } from '../../core/errors.js';
import { eraseOwnData, exportOwnData } from '../../domain/self-service/data-rights.js';
import type { AppEnv } from '../env.js';
import { field, readForm } from './form.js';
import { assertSameOrigin } from './guard.js';
import { ManageLink, Message, type PageContext, pageContext, renderPage } from './page.js';
import { accessOf, selfPath } from './preferences.js';
import { offerStepUp, sendStepUp } from './step-up-views.js';

function DeleteExplained(props: { p: PageContext }) {
  const { t } = props.p;
  return (
    <>
      <section aria-labelledby="deleted-parts">
        <h2 id="deleted-parts">{t.deleteGoesHeading}</h2>
        <ul>
          {t.deleteGoes.map((line) => (
            <li>{line}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="kept-parts">
        <h2 id="kept-parts">{t.deleteKeptHeading}</h2>
        <ul>
          {t.deleteKept.map((line) => (
            <li>{line}</li>
          ))}
        </ul>
        <p class="muted">{t.deleteTransactionalNote}</p>
      </section>
    </>
  );
}

export const privacyActionPages = new Hono<AppEnv>()
  // GET never spends the export limit nor acts (mail scanners and prefetchers open links): it shows the
  // button; the POST downloads, on a verified link only.
  .get('/:token/export', async (c) => {
    const { recipient, verified } = await accessOf(c);
    const p = pageContext(c, recipient.locale);
    if (!verified) return offerStepUp(c, recipient, p.t.exportHeading);
    const body = (
      <Message heading={p.t.exportHeading} lead={p.t.exportLead}>
        <form method="post" class="actions">
          <button type="submit" name="action" value="export">
            {p.t.downloadData}
          </button>
        </form>
        <ManageLink href={selfPath(c, p)} label={p.t.backToPreferences} />
      </Message>
    );
    return renderPage(c, p, p.t.exportHeading, body);
  })
  .post('/:token/export', async (c) => {
    assertSameOrigin(c);
    const form = await readForm(c);
    const { recipient, verified } = await accessOf(c);
    if (!verified) return sendStepUp(c, form, recipient, 'export');
    if (field(form, 'action') !== 'export') throw new AppError('malformed_body', 'Unknown action.');
    const data = await exportOwnData(c.var.deps.db, c.var.deps.config.hashKey, recipient.id);
    c.header('Content-Disposition', 'attachment; filename="my-data.json"');
    c.header('Content-Type', 'application/json; charset=utf-8');
    return c.body(JSON.stringify(data, null, 2));
  })
  .get('/:token/delete', async (c) => {
    const { recipient, verified } = await accessOf(c);
    const p = pageContext(c, recipient.locale);
    if (!verified) return offerStepUp(c, recipient, p.t.deleteHeading);
    const body = (
      <Message heading={p.t.deleteHeading} lead={p.t.deleteLead(p.org)}>
        <DeleteExplained p={p} />
        <form method="post" class="actions">
          <button type="submit" name="action" value="delete">
            {p.t.deleteButton}
          </button>
        </form>
        <ManageLink href={selfPath(c, p)} label={p.t.backToPreferences} />
      </Message>
    );
    return renderPage(c, p, p.t.deleteHeading, body);
  })
  .post('/:token/delete', async (c) => {
    assertSameOrigin(c);
    const form = await readForm(c);
    const { recipient, verified } = await accessOf(c);
    if (!verified) return sendStepUp(c, form, recipient, 'delete');
    if (field(form, 'action') !== 'delete') throw new AppError('malformed_body', 'Unknown action.');
    const p = pageContext(c, recipient.locale);
    await eraseOwnData(c.var.deps.db, c.var.deps.config.hashKey, recipient.id, c.var.telemetry);
    return renderPage(c, p, p.t.deletedHeading, <Message role="status" heading={p.t.deletedHeading} lead={p.t.deletedLead} />);
  });
