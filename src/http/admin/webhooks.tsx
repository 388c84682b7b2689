// Webhook endpoints (issue 12's /v1/webhook-endpoints, through the same verbs): everyone reads them and
// their deliveries, with how long each change took to reach the endpoint; admins add one (the signing
// secret shown once) and turn one off or on.
import { Hono } from 'hono';
import { AppError, invalidField } from '../../core/errors.js';
import { UUID_PATTERN } from '../../core/ids.js';
import { createWebhookAsOperator, setWebhookEnabledAsOperator } from '../../domain/console/configuration.js';
import { can } from '../../domain/console/roles.js';
import { listDeliveries } from '../../domain/webhooks/deliveries.js';
import { getWebhookEndpoint, listWebhookEndpoints } from '../../domain/webhooks/endpoints.js';
import type { AppEnv } from '../env.js';
import { field, readForm } from '../pages/form.js';
import { assertCsrf, operatorActor, requirePermission } from './guard.js';
import { type AdminContext, adminContext, Csrf, renderAdmin } from './layout.js';

type C = Parameters<typeof adminContext>[0];

const endpointId = (raw: string) => {
  if (!UUID_PATTERN.test(raw)) throw new AppError('not_found', 'Webhook endpoint was not found.');
  return raw;
};

async function listPage(c: C, a: AdminContext, secret?: string) {
  const { t } = a;
  const endpoints = await listWebhookEndpoints(c.var.deps.db);
  const admin = can(c.var.session.operator.role, 'manage');
  return renderAdmin(
    c,
    a,
    { title: t.navWebhooks, section: 'webhooks', status: secret ? 201 : 200 },
    <>
      <h1>{t.navWebhooks}</h1>
      <p class="lead">{t.webhooksLead}</p>
      {secret && (
        <section class="card" role="status" aria-labelledby="secret-h">
          <h2 id="secret-h">{t.secretCreatedHeading}</h2>
          <p>{t.keyCreatedLead}</p>
          <label for="new-secret">{t.secretCreatedHeading}</label>
          <input id="new-secret" type="text" readonly value={secret} class="mono" size={60} />
        </section>
      )}
      <div class="card scroll" tabindex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.colUrl}</th>
              <th scope="col">{t.colDescription}</th>
              <th scope="col">{t.colEnabled}</th>
              <th scope="col">{t.colCreated}</th>
            </tr>
          </thead>
          <tbody>
            {endpoints.map((e) => (
              <tr>
                <th scope="row">
                  <a href={`${a.base}/webhooks/${e.id}`}>{e.url}</a>
                </th>
                <td>{e.description ?? '–'}</td>
                <td>{e.enabled ? <span class="badge ok">{t.yes}</span> : <span class="badge no">{`${t.no} (${e.disabledReason ?? ''})`}</span>}</td>
                <td>{e.createdAt.slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {admin && (
        <form method="post" action={`${a.base}/webhooks`} class="card stack">
          <Csrf a={a} />
          <h2>{t.newEndpointLegend}</h2>
          <label for="wh-url">{t.colUrl}</label>
          <input id="wh-url" name="url" type="text" inputmode="url" required maxlength={2000} />
          <label for="wh-description">{t.colDescription}</label>
          <input id="wh-description" name="description" type="text" maxlength={500} />
          <div>
            <button type="submit">{t.createButton}</button>
          </div>
        </form>
      )}
    </>,
  );
}

export const webhookPages = new Hono<AppEnv>()
  .get('/', (c) => listPage(c, adminContext(c)))
  .post('/', requirePermission('manage'), async (c) => {
    const form = await readForm(c);
    assertCsrf(c, form);
    const url = (field(form, 'url') ?? '').trim();
    if (!url) throw invalidField('url', 'required');
    const description = (field(form, 'description') ?? '').trim().slice(0, 500) || undefined;
    const { db, config } = c.var.deps;
    const created = await createWebhookAsOperator(db, { url, description }, config.webhookAllowPrivate, operatorActor(c));
    return listPage(c, adminContext(c), created.secret);
  })
  .get('/:id', async (c) => {
    const a = adminContext(c);
    const { t } = a;
    const id = endpointId(c.req.param('id'));
    const [endpoint, deliveries] = await Promise.all([getWebhookEndpoint(c.var.deps.db, id), listDeliveries(c.var.deps.db, id, { limit: 50 })]);
    return renderAdmin(
      c,
      a,
      { title: endpoint.url, section: 'webhooks' },
      <>
        <p>
          <a href={`${a.base}/webhooks`}>← {t.navWebhooks}</a>
        </p>
        <h1 class="mono">{endpoint.url}</h1>
        {can(c.var.session.operator.role, 'manage') && (
          <form method="post" action={`${a.base}/webhooks/${id}/${endpoint.enabled ? 'disable' : 'enable'}`}>
            <Csrf a={a} />
            <button type="submit" class="secondary">
              {endpoint.enabled ? t.disableButton : t.enableButton}
            </button>
          </form>
        )}
        <section class="card scroll" aria-labelledby="deliveries-h" tabindex={0}>
          <h2 id="deliveries-h">{t.deliveriesHeading}</h2>
          {deliveries.data.length === 0 ? (
            <p>{t.noDeliveries}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.colCreated}</th>
                  <th scope="col">{t.colType}</th>
                  <th scope="col">{t.colStatus}</th>
                  <th scope="col">{t.colAttempts}</th>
                  <th scope="col">{t.colLatency}</th>
                  <th scope="col">{t.colReason}</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.data.map((d) => (
                  <tr>
                    <td class="nowrap">{d.createdAt.replace('T', ' ').slice(0, 19)}</td>
                    <th scope="row">{d.type}</th>
                    <td>{d.status}</td>
                    <td class="num">{String(d.attempts)}</td>
                    <td class="num">{d.latencyMs === null ? '–' : `${d.latencyMs} ms`}</td>
                    <td>{d.lastError ?? (d.lastStatus === null ? '–' : String(d.lastStatus))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </>,
    );
  })
  .post('/:id/:state{enable|disable}', requirePermission('manage'), async (c) => {
    assertCsrf(c, await readForm(c));
    const id = endpointId(c.req.param('id'));
    const { db, config } = c.var.deps;
    await setWebhookEnabledAsOperator(db, id, c.req.param('state') === 'enable', config.webhookAllowPrivate, operatorActor(c));
    return c.redirect(`${adminContext(c).base}/webhooks/${id}`, 303);
  });
