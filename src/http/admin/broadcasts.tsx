// Broadcasts: pick a category and template, fill its data, preview, dry run (counts by exclusion reason),
// send. A broadcast's own page (progress, cancel) is broadcast-progress.tsx. Viewers see the list only.
import { Hono } from 'hono';
import { invalidField } from '../../core/errors.js';
import { listBroadcasts } from '../../domain/broadcasts/broadcasts.js';
import { type DryRun, dryRunBroadcast } from '../../domain/broadcasts/dry-run.js';
import { walkBroadcast } from '../../domain/broadcasts/walk-broadcast.js';
import { startBroadcastAsOperator } from '../../domain/console/broadcasts.js';
import { can } from '../../domain/console/roles.js';
import { describeTemplates } from '../../domain/notices/preview.js';
import type { RenderedEmail } from '../../domain/notices/render.js';
import { listCategories } from '../../domain/recipients/categories.js';
import type { AppEnv } from '../env.js';
import { type Form, field, readForm } from '../pages/form.js';
import { DATA_MAX, livePreview, PreviewCard, parseData, renderPreview } from './broadcast-preview.js';
import { broadcastProgressPages, dispatchContext, stateOf } from './broadcast-progress.js';
import { assertCsrf, operatorActor, requirePermission } from './guard.js';
import { type AdminContext, adminContext, Csrf, renderAdmin } from './layout.js';

type C = Parameters<typeof adminContext>[0];

interface Draft {
  category: string;
  template: string;
  /** Undefined: the chosen template's example. */
  data: string | undefined;
}

async function listPage(c: C, a: AdminContext, draft?: Draft, result?: { preview?: RenderedEmail; dryRun?: DryRun }) {
  const { t } = a;
  const [recent, categories, templates] = await Promise.all([
    listBroadcasts(c.var.deps, undefined, 20),
    listCategories(c.var.deps.db),
    describeTemplates(c.var.notices.templates),
  ]);
  const chosen = templates.find((x) => x.name === draft?.template) ?? templates[0];
  const data = draft?.data ?? JSON.stringify(chosen?.example ?? {}, null, 2);
  const editor = can(c.var.session.operator.role, 'act');
  return renderAdmin(
    c,
    a,
    { title: t.navBroadcasts, section: 'broadcasts', script: editor },
    <>
      <h1>{t.navBroadcasts}</h1>
      <p class="lead">{t.broadcastsLead}</p>
      {editor && (
        // Choosing a template reloads the page with its example data: no script needed.
        <form method="get" action={`${a.base}/broadcasts`} class="row">
          <div>
            <label for="pick-template">{t.templateLabel}</label>
            <select id="pick-template" name="template">
              {templates.map((x) => (
                <option value={x.name} selected={x.name === chosen?.name}>
                  {x.name} ({x.kind})
                </option>
              ))}
            </select>
          </div>
          <div>
            <button type="submit" class="secondary">
              {t.loadExampleButton}
            </button>
          </div>
        </form>
      )}
      {editor && (
        <form method="post" action={`${a.base}/broadcasts`} class="card">
          <Csrf a={a} />
          <h2>{t.newBroadcastHeading}</h2>
          <div class="row">
            <div>
              <label for="b-category">{t.categoryLabel}</label>
              <select id="b-category" name="category">
                {categories
                  .filter((k) => !k.archived)
                  .map((k) => (
                    <option value={k.key} selected={k.key === draft?.category}>
                      {k.name}
                    </option>
                  ))}
              </select>
            </div>
            <div>
              <label for="b-template">{t.templateLabel}</label>
              <select id="b-template" name="template">
                {templates.map((x) => (
                  <option value={x.name} selected={x.name === chosen?.name}>
                    {x.name} ({x.kind})
                  </option>
                ))}
              </select>
            </div>
          </div>
          <label for="b-data">{t.dataLabel}</label>
          <textarea id="b-data" name="data" maxlength={DATA_MAX} aria-describedby="b-data-hint">
            {data}
          </textarea>
          <p class="hint" id="b-data-hint">
            {t.dataHint}
          </p>
          <p class="actions">
            <button type="submit" name="intent" value="preview" class="secondary">
              {t.previewButton}
            </button>
            <button type="submit" name="intent" value="dry-run" class="secondary">
              {t.dryRunButton}
            </button>
            <button type="submit" name="intent" value="send">
              {t.sendButton}
            </button>
          </p>
        </form>
      )}
      <PreviewCard a={a} preview={result?.preview} editor={editor} />
      {result?.dryRun && (
        <section class="card" aria-labelledby="dry-h" role="status">
          <h2 id="dry-h">{t.dryRunHeading}</h2>
          <p>{t.dryRunSummary(result.dryRun.eligible, result.dryRun.total)}</p>
          {Object.keys(result.dryRun.excluded).length === 0 ? (
            <p>{t.noneExcluded}</p>
          ) : (
            <table>
              <caption>{t.excludedCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.colReason}</th>
                  <th scope="col" class="num">
                    {t.countHeading}
                  </th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(result.dryRun.excluded).map(([reason, n]) => (
                  <tr>
                    <th scope="row">
                      <code>{reason}</code>
                    </th>
                    <td class="num">{String(n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      <section class="card scroll" aria-labelledby="recent-h" tabindex={0}>
        <h2 id="recent-h">{t.recentBroadcasts}</h2>
        {recent.data.length === 0 ? (
          <p>{t.noBroadcasts}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t.colCreated}</th>
                <th scope="col">{t.templateLabel}</th>
                <th scope="col">{t.colCategory}</th>
                <th scope="col">{t.colStatus}</th>
                <th scope="col">{t.colProgress}</th>
              </tr>
            </thead>
            <tbody>
              {recent.data.map((b) => (
                <tr>
                  <td class="nowrap">
                    <a href={`${a.base}/broadcasts/${b.id}`}>{b.createdAt.replace('T', ' ').slice(0, 19)}</a>
                  </td>
                  <th scope="row">{b.template}</th>
                  <td>{b.category}</td>
                  <td>{stateOf(b, a)}</td>
                  <td>{t.progressText(b.sent + b.skipped + b.failed, b.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>,
  );
}

function draftOf(form: Form): Draft {
  return { category: field(form, 'category') ?? '', template: field(form, 'template') ?? '', data: (field(form, 'data') ?? '{}').slice(0, DATA_MAX) };
}

export const broadcastPages = new Hono<AppEnv>()
  .get('/', (c) => {
    const template = c.req.query('template');
    return listPage(c, adminContext(c), template ? { category: '', template: template.slice(0, 64), data: undefined } : undefined);
  })
  .post('/', requirePermission('act'), async (c) => {
    const form = await readForm(c);
    assertCsrf(c, form);
    const a = adminContext(c);
    const draft = draftOf(form);
    const data = parseData(draft.data ?? '{}');
    const intent = field(form, 'intent');
    const ctx = dispatchContext(c);
    if (intent === 'preview') return listPage(c, a, draft, { preview: await renderPreview(c, draft.template, data) });
    if (intent === 'dry-run')
      return listPage(c, a, draft, { dryRun: await dryRunBroadcast(ctx, { category: draft.category, template: draft.template, data }) });
    if (intent !== 'send') throw invalidField('intent', 'preview, dry-run or send');
    const broadcast = await startBroadcastAsOperator(ctx, { category: draft.category, template: draft.template, data }, operatorActor(c));
    if (broadcast.status === 'queued') {
      // As POST /v1/broadcasts: the walk runs after the answer, and a resume finishes it after a crash.
      const { lifecycle } = c.var.deps;
      const walk = walkBroadcast(ctx, broadcast.id, { signal: lifecycle?.stopping }).catch((err: unknown) =>
        c.var.logger.error({ event: 'broadcast_walk_stopped', broadcastId: broadcast.id, errorName: err instanceof Error ? err.name : typeof err }),
      );
      void lifecycle?.track(walk);
    }
    return c.redirect(`${a.base}/broadcasts/${broadcast.id}?done=queued`, 303);
  })
  .post('/preview', requirePermission('act'), livePreview)
  .route('/', broadcastProgressPages);
