// Suppressions: listed a page at a time; editors add and lift them. An `erased` one has no address and
// no lift button, and the verb refuses to lift it anyway (only the person's own new consent does).
import { Hono } from 'hono';
import { isValidEmail } from '../../core/email.js';
import { invalidField } from '../../core/errors.js';
import { UUID_PATTERN } from '../../core/ids.js';
import { can } from '../../domain/console/roles.js';
import { addSuppression, liftSuppressions, listSuppressions } from '../../domain/recipients/suppressions.js';
import type { AppEnv } from '../env.js';
import { field, readForm } from '../pages/form.js';
import { assertCsrf, operatorActor, requirePermission } from './guard.js';
import { adminContext, Csrf, Flash, renderAdmin } from './layout.js';

const REASONS = ['manual', 'hard_bounce', 'complaint'] as const;
const PAGE = 50;

function address(raw: string | undefined): string {
  const email = (raw ?? '').trim();
  if (!isValidEmail(email)) throw invalidField('email', 'not a valid email address');
  return email;
}

export const suppressionPages = new Hono<AppEnv>()
  .get('/', async (c) => {
    const a = adminContext(c);
    const { t } = a;
    const after = c.req.query('after');
    const page = await listSuppressions(c.var.deps.db, after && UUID_PATTERN.test(after) ? after : '', PAGE);
    const editor = can(c.var.session.operator.role, 'act');
    const done = c.req.query('done');
    return renderAdmin(
      c,
      a,
      { title: t.navSuppressions, section: 'suppressions' },
      <>
        <h1>{t.navSuppressions}</h1>
        <Flash text={done === 'added' ? t.doneSuppressed : done === 'lifted' ? t.doneLifted : undefined} />
        <p class="lead">{t.suppressionsLead}</p>
        {editor && (
          <form method="post" action={`${a.base}/suppressions`} class="row card">
            <Csrf a={a} />
            <div>
              <label for="s-email">{t.colEmail}</label>
              <input id="s-email" name="email" type="email" required maxlength={254} />
            </div>
            <div>
              <label for="s-reason">{t.reasonLabel}</label>
              <select id="s-reason" name="reason">
                {REASONS.map((r) => (
                  <option value={r}>{r}</option>
                ))}
              </select>
            </div>
            <div>
              <label for="s-note">{t.noteLabel}</label>
              <input id="s-note" name="note" type="text" maxlength={500} />
            </div>
            <div>
              <button type="submit">{t.addSuppressionLegend}</button>
            </div>
          </form>
        )}
        <div class="card scroll" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.colEmail}</th>
                <th scope="col">{t.reasonLabel}</th>
                <th scope="col">{t.noteLabel}</th>
                <th scope="col">{t.colCreated}</th>
                {editor && <th scope="col">{t.actionsHeading}</th>}
              </tr>
            </thead>
            <tbody>
              {page.data.map((s) => (
                <tr>
                  <th scope="row">{s.email ?? <span class="muted">{t.erasedAddress}</span>}</th>
                  <td>
                    <code>{s.reason}</code>
                  </td>
                  <td>{s.note ?? '–'}</td>
                  <td>{s.createdAt.slice(0, 10)}</td>
                  {editor && (
                    <td>
                      {s.reason === 'erased' || s.email === null ? (
                        <span class="muted">{t.erasedNoLift}</span>
                      ) : (
                        <form method="post" action={`${a.base}/suppressions/lift`} class="inline">
                          <Csrf a={a} />
                          <input type="hidden" name="email" value={s.email} />
                          <button type="submit" class="secondary" aria-label={`${t.liftButton}: ${s.email}`}>
                            {t.liftButton}
                          </button>
                        </form>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {page.next && (
          <p>
            <a href={`${a.base}/suppressions?after=${page.next}`}>{t.nextPage} →</a>
          </p>
        )}
      </>,
    );
  })
  .post('/', requirePermission('act'), async (c) => {
    const form = await readForm(c);
    assertCsrf(c, form);
    const reason = REASONS.find((r) => r === field(form, 'reason'));
    if (!reason) throw invalidField('reason', `one of ${REASONS.join(', ')}`);
    const note = (field(form, 'note') ?? '').trim().slice(0, 500) || null;
    await addSuppression(c.var.deps.db, c.var.deps.config.hashKey, { email: address(field(form, 'email')), reason, note }, operatorActor(c));
    return c.redirect(`${adminContext(c).base}/suppressions?done=added`, 303);
  })
  .post('/lift', requirePermission('act'), async (c) => {
    const form = await readForm(c);
    assertCsrf(c, form);
    await liftSuppressions(c.var.deps.db, c.var.deps.config.hashKey, address(field(form, 'email')), operatorActor(c));
    return c.redirect(`${adminContext(c).base}/suppressions?done=lifted`, 303);
  });
