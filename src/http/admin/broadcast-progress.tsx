// A broadcast's own page: its progress, kept current by the console's script (script.ts) with a link to
// reload without it, and cancel for editors.
import { Hono } from 'hono';
import { AppError } from '../../core/errors.js';
import { UUID_PATTERN } from '../../core/ids.js';
import { type BroadcastView, getBroadcast } from '../../domain/broadcasts/broadcasts.js';
import { CANCELLED } from '../../domain/broadcasts/cancel-broadcast.js';
import { cancelBroadcastAsOperator } from '../../domain/console/broadcasts.js';
import { can } from '../../domain/console/roles.js';
import type { DispatchContext } from '../../domain/notices/dispatch.js';
import type { AppEnv } from '../env.js';
import { readForm } from '../pages/form.js';
import { assertCsrf, operatorActor, requirePermission } from './guard.js';
import { type AdminContext, adminContext, Csrf, Flash, renderAdmin } from './layout.js';

type C = Parameters<typeof adminContext>[0];
export const dispatchContext = (c: C): DispatchContext => ({
  db: c.var.deps.db,
  config: c.var.deps.config,
  runtime: c.var.notices,
  actor: operatorActor(c).actor,
});
export const stateOf = (b: BroadcastView, a: AdminContext) => (b.status === 'failed' && b.error?.startsWith(CANCELLED) ? a.t.cancelledState : b.status);

const broadcastId = (raw: string) => {
  if (!UUID_PATTERN.test(raw)) throw new AppError('not_found', 'Broadcast was not found.');
  return raw;
};

export const broadcastProgressPages = new Hono<AppEnv>()
  .get('/:id', async (c) => {
    const a = adminContext(c);
    const { t } = a;
    const b = await getBroadcast(c.var.deps, broadcastId(c.req.param('id')));
    const running = b.status === 'queued' || b.status === 'running';
    const done = b.sent + b.skipped + b.failed;
    const flash = c.req.query('done');
    return renderAdmin(
      c,
      a,
      { title: t.broadcastHeading(b.template, b.category), section: 'broadcasts', script: running },
      <>
        <p>
          <a href={`${a.base}/broadcasts`}>← {t.navBroadcasts}</a>
        </p>
        <h1>{t.broadcastHeading(b.template, b.category)}</h1>
        <Flash text={flash === 'queued' ? t.doneQueued : flash === 'cancelled' ? t.doneCancelled : undefined} />
        <section class="card" data-progress-url={running ? `${a.base}/broadcasts/${b.id}/progress` : undefined} aria-live="polite">
          <dl class="facts">
            <dt>{t.colStatus}</dt>
            <dd data-field="status">{stateOf(b, a)}</dd>
            <dt>{t.colProgress}</dt>
            <dd>
              <progress max={String(Math.max(b.total, 1))} value={String(done)} aria-label={t.colProgress} /> <span data-field="done">{String(done)}</span> /{' '}
              {String(b.total)}
            </dd>
            <dt>{t.colSent}</dt>
            <dd data-field="sent">{String(b.sent)}</dd>
            <dt>{t.colSkipped}</dt>
            <dd data-field="skipped">{String(b.skipped)}</dd>
            <dt>{t.colFailed}</dt>
            <dd data-field="failed">{String(b.failed)}</dd>
            <dt>{t.colCreated}</dt>
            <dd>{b.createdAt}</dd>
            {b.error && (
              <>
                <dt>{t.colReason}</dt>
                <dd>{b.error}</dd>
              </>
            )}
          </dl>
          {running && (
            <p>
              <a href={`${a.base}/broadcasts/${b.id}`}>{t.refreshLink}</a>
            </p>
          )}
          {running && can(c.var.session.operator.role, 'act') && (
            <form method="post" action={`${a.base}/broadcasts/${b.id}/cancel`} id="cancel-broadcast">
              <Csrf a={a} />
              <button type="submit" class="danger">
                {t.cancelButton}
              </button>
            </form>
          )}
        </section>
      </>,
    );
  })
  .get('/:id/progress', async (c) => {
    const b = await getBroadcast(c.var.deps, broadcastId(c.req.param('id')));
    const { status, total, sent, skipped, failed } = b;
    return c.json({ status, state: stateOf(b, adminContext(c)), total, sent, skipped, failed });
  })
  .post('/:id/cancel', requirePermission('act'), async (c) => {
    assertCsrf(c, await readForm(c));
    const id = broadcastId(c.req.param('id'));
    const view = await getBroadcast(c.var.deps, id);
    await cancelBroadcastAsOperator(dispatchContext(c), id, operatorActor(c), view);
    return c.redirect(`${adminContext(c).base}/broadcasts/${id}?done=cancelled`, 303);
  });
