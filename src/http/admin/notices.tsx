// Notices: every notice newest first, filtered by status and category; failed and skipped ones say why.
import { Hono } from 'hono';
import { listNoticesForConsole, NOTICE_STATUSES } from '../../domain/console/notices.js';
import { listCategories } from '../../domain/recipients/categories.js';
import type { AppEnv } from '../env.js';
import { adminContext, renderAdmin } from './layout.js';

export const noticePages = new Hono<AppEnv>().get('/', async (c) => {
  const a = adminContext(c);
  const { t } = a;
  const status = c.req.query('status') ?? '';
  const category = c.req.query('category') ?? '';
  const [page, categories] = await Promise.all([
    listNoticesForConsole(c.var.deps.db, { status, category, before: c.req.query('before') }),
    listCategories(c.var.deps.db),
  ]);
  const next = page.next && `${a.base}/notices?${new URLSearchParams({ status, category, before: page.next })}`;
  return renderAdmin(
    c,
    a,
    { title: t.navNotices, section: 'notices' },
    <>
      <h1>{t.navNotices}</h1>
      <p class="lead">{t.noticesLead}</p>
      <form method="get" action={`${a.base}/notices`} class="row">
        <div>
          <label for="n-status">{t.statusLabel}</label>
          <select id="n-status" name="status">
            <option value="">{t.anyStatus}</option>
            {NOTICE_STATUSES.map((s) => (
              <option value={s} selected={s === status}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="n-category">{t.categoryLabel}</label>
          <select id="n-category" name="category">
            <option value="">{t.allCategories}</option>
            {categories.map((k) => (
              <option value={k.key} selected={k.key === category}>
                {k.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit" class="secondary">
            {t.filterButton}
          </button>
        </div>
      </form>
      {page.data.length === 0 ? (
        <p role="status">{t.noticesNone}</p>
      ) : (
        <div class="card scroll" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.colTime}</th>
                <th scope="col">{t.colTo}</th>
                <th scope="col">{t.colCategory}</th>
                <th scope="col">{t.colTemplate}</th>
                <th scope="col">{t.statusLabel}</th>
                <th scope="col">{t.colReason}</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((n) => (
                <tr>
                  <td class="nowrap">{n.createdAt.replace('T', ' ').slice(0, 19)}</td>
                  <th scope="row">{n.to}</th>
                  <td>{n.category}</td>
                  <td>{n.template}</td>
                  <td>
                    <span class={n.status === 'failed' || n.status === 'bounced' || n.status === 'complained' ? 'badge no' : 'badge'}>{n.status}</span>
                  </td>
                  <td>{n.reason ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <p>
          <a href={next}>{t.nextPage} →</a>
        </p>
      )}
    </>,
  );
});
