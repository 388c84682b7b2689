// Recipients: search by address or external id, and one person's page.
import { Hono } from 'hono';
import { AppError } from '../../core/errors.js';
import { UUID_PATTERN } from '../../core/ids.js';
import { recipientDossier, searchRecipients } from '../../domain/console/recipients.js';
import { can } from '../../domain/console/roles.js';
import { listCategories } from '../../domain/recipients/categories.js';
import type { ConsoleMessages } from '../../i18n/console/index.js';
import type { AppEnv } from '../env.js';
import { adminContext, Flash, renderAdmin } from './layout.js';
import { RecipientActions, recipientActions } from './recipient-actions.js';
import { Facts, PersonNotices, Subscriptions, Timeline } from './recipient-view.js';

const DONE: Record<string, (t: ConsoleMessages) => string> = {
  unsubscribed: (t) => t.doneUnsubscribed,
  'opted-out': (t) => t.doneOptedOut,
  suppressed: (t) => t.doneSuppressed,
  consent: (t) => t.doneConsent,
  pending: (t) => t.donePending,
  unchanged: (t) => t.doneUnchanged,
  erased: (t) => t.doneErased,
};

const idParam = (raw: string) => {
  if (!UUID_PATTERN.test(raw)) throw new AppError('not_found', 'Recipient was not found.');
  return raw;
};

export const recipientPages = new Hono<AppEnv>()
  .get('/', async (c) => {
    const a = adminContext(c);
    const { t } = a;
    const q = (c.req.query('q') ?? '').slice(0, 320);
    const hits = q ? await searchRecipients(c.var.deps.db, q) : [];
    const done = DONE[c.req.query('done') ?? ''];
    return renderAdmin(
      c,
      a,
      { title: t.navRecipients, section: 'recipients' },
      <>
        <h1>{t.navRecipients}</h1>
        <Flash text={done?.(t)} />
        <p class="lead">{t.recipientsLead}</p>
        <form method="get" action={`${a.base}/recipients`} class="row">
          <div>
            <label for="q">{t.searchLabel}</label>
            <input id="q" name="q" type="search" value={q} maxlength={320} autocomplete="off" />
          </div>
          <div>
            <button type="submit">{t.searchButton}</button>
          </div>
        </form>
        {q &&
          (hits.length === 0 ? (
            <p role="status">{t.noResults}</p>
          ) : (
            <div class="card scroll" tabindex={0}>
              <table>
                <caption>{t.resultsCaption(hits.length)}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.colEmail}</th>
                    <th scope="col">{t.colExternalId}</th>
                    <th scope="col">{t.colCreated}</th>
                  </tr>
                </thead>
                <tbody>
                  {hits.map((r) => (
                    <tr>
                      <th scope="row">
                        <a href={`${a.base}/recipients/${r.id}`}>{r.email}</a>
                      </th>
                      <td>{r.externalId ?? '–'}</td>
                      <td>{r.createdAt.slice(0, 10)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
      </>,
    );
  })
  .get('/:id', async (c) => {
    const a = adminContext(c);
    const { db, config } = c.var.deps;
    const [d, categories] = await Promise.all([recipientDossier(db, config.hashKey, idParam(c.req.param('id'))), listCategories(db)]);
    const done = DONE[c.req.query('done') ?? ''];
    return renderAdmin(
      c,
      a,
      { title: d.recipient.email, section: 'recipients' },
      <>
        <p>
          <a href={`${a.base}/recipients`}>← {a.t.navRecipients}</a>
        </p>
        <h1>{d.recipient.email}</h1>
        <Flash text={done?.(a.t)} />
        <Facts a={a} d={d} />
        <Subscriptions a={a} d={d} categories={categories} />
        <Timeline a={a} d={d} />
        {can(c.var.session.operator.role, 'act') && <RecipientActions a={a} d={d} categories={categories} />}
        <PersonNotices a={a} d={d} />
      </>,
    );
  })
  .route('/', recipientActions);
