// API keys: listed for everyone; admins create them (the key shown once, on the answer page) and revoke.
import { Hono } from 'hono';
import { invalidField } from '../../core/errors.js';
import { isScope, listKeys, SCOPES } from '../../domain/access/api-keys.js';
import { createKeyAsOperator, revokeKeyAsOperator } from '../../domain/console/configuration.js';
import { can } from '../../domain/console/roles.js';
import type { AppEnv } from '../env.js';
import { line } from '../fields.js';
import { field, fieldValues, readForm } from '../pages/form.js';
import { assertCsrf, operatorActor, requirePermission } from './guard.js';
import { type AdminContext, adminContext, Csrf, Flash, renderAdmin } from './layout.js';

async function keysPage(c: Parameters<typeof adminContext>[0], a: AdminContext, created?: { id: string; key: string }) {
  const { t } = a;
  const keys = await listKeys(c.var.deps.db);
  const admin = can(c.var.session.operator.role, 'manage');
  return renderAdmin(
    c,
    a,
    { title: t.navKeys, section: 'keys', status: created ? 201 : 200 },
    <>
      <h1>{t.navKeys}</h1>
      <Flash text={c.req.query('done') === 'revoked' ? t.doneRevoked : undefined} />
      <p class="lead">{t.keysLead}</p>
      {created && (
        <section class="card" role="status" aria-labelledby="new-key-h">
          <h2 id="new-key-h">{t.keyCreatedHeading}</h2>
          <p>{t.keyCreatedLead}</p>
          <label for="new-key">{t.navKeys}</label>
          <input id="new-key" type="text" readonly value={created.key} class="mono" size={72} />
        </section>
      )}
      <div class="card scroll" tabindex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.colName}</th>
              <th scope="col">{t.labelId}</th>
              <th scope="col">{t.colScopes}</th>
              <th scope="col">{t.colCreated}</th>
              <th scope="col">{t.colState}</th>
              {admin && <th scope="col">{t.actionsHeading}</th>}
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr>
                <th scope="row">{k.name}</th>
                <td class="mono">{k.id}</td>
                <td>{k.scopes.join(', ')}</td>
                <td>{k.createdAt.slice(0, 10)}</td>
                <td>{k.revokedAt ? <span class="badge no">{t.stateRevoked}</span> : <span class="badge ok">{t.stateActive}</span>}</td>
                {admin && (
                  <td>
                    {!k.revokedAt && (
                      <form method="post" action={`${a.base}/keys/${k.id}/revoke`} class="inline">
                        <Csrf a={a} />
                        <button type="submit" class="secondary" aria-label={`${t.revokeButton}: ${k.name}`}>
                          {t.revokeButton}
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
      {admin && (
        <form method="post" action={`${a.base}/keys`} class="card stack">
          <Csrf a={a} />
          <h2>{t.newKeyLegend}</h2>
          <label for="key-name">{t.nameLabel}</label>
          <input id="key-name" name="name" type="text" required maxlength={200} />
          <fieldset>
            <legend>{t.scopesLegend}</legend>
            {SCOPES.map((s) => (
              <label class="check">
                <input type="checkbox" name="scope" value={s} /> <code>{s}</code>
              </label>
            ))}
          </fieldset>
          <div>
            <button type="submit">{t.createButton}</button>
          </div>
        </form>
      )}
    </>,
  );
}

export const keyPages = new Hono<AppEnv>()
  .get('/', (c) => keysPage(c, adminContext(c)))
  .post('/', requirePermission('manage'), async (c) => {
    const form = await readForm(c);
    assertCsrf(c, form);
    const name = line(200).safeParse((field(form, 'name') ?? '').trim());
    if (!name.success || name.data === '') throw invalidField('name', 'required, at most 200 characters');
    const scopes = fieldValues(form, 'scope').filter(isScope);
    if (scopes.length === 0) throw invalidField('scope', 'choose at least one scope');
    // The answer page shows the key once and is never cached (no-store, from the guard).
    return keysPage(c, adminContext(c), await createKeyAsOperator(c.var.deps.db, name.data, scopes, operatorActor(c)));
  })
  .post('/:id/revoke', requirePermission('manage'), async (c) => {
    assertCsrf(c, await readForm(c));
    const id = c.req.param('id');
    if (/^[0-9a-f]{16}$/.test(id)) await revokeKeyAsOperator(c.var.deps.db, id, operatorActor(c));
    return c.redirect(`${adminContext(c).base}/keys?done=revoked`, 303);
  });
