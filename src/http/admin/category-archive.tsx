// Archiving a category from the console (admins; docs/console.md "Categories"): the section on its edit
// page and the two forms it posts. The verb writes `category_archived` / `category_unarchived` to the
// ledger with the operator as actor, in the transaction that changes the category.
import { Hono } from 'hono';
import { invalidField } from '../../core/errors.js';
import type { Category } from '../../core/vocabulary.js';
import { getCategory, setCategoryArchived } from '../../domain/recipients/categories.js';
import { forgetCategory } from '../../domain/recipients/category-cache.js';
import type { AppEnv } from '../env.js';
import { categoryKey } from '../fields.js';
import { field, readForm } from '../pages/form.js';
import { assertCsrf, operatorActor, requirePermission } from './guard.js';
import { type AdminContext, adminContext, Csrf } from './layout.js';

export function ArchiveSection(props: { a: AdminContext; category: Category }) {
  const { a, category } = props;
  const { t } = a;
  const action = `${a.base}/categories/${category.key}/${category.archived ? 'unarchive' : 'archive'}`;
  return (
    <section class="card" aria-labelledby="archive-h">
      <h2 id="archive-h">{category.archived ? t.unarchiveHeading : t.archiveHeading}</h2>
      <p class="hint">{category.archived ? t.unarchiveLead((category.archivedAt ?? '').slice(0, 16).replace('T', ' ')) : t.archiveLead}</p>
      <form method="post" action={action} class="stack">
        <Csrf a={a} />
        {!category.archived && category.kind === 'transactional' && (
          <>
            <p class="hint" id="archive-tx-hint">
              {t.archiveTransactionalLead}
            </p>
            <label class="check">
              <input type="checkbox" id="archive-confirm" name="confirm" value="yes" required aria-describedby="archive-tx-hint" /> {t.archiveConfirmLabel}
            </label>
          </>
        )}
        <div>
          <button type="submit" class={category.archived ? undefined : 'danger'}>
            {category.archived ? t.unarchiveButton : t.archiveButton}
          </button>
        </div>
      </form>
    </section>
  );
}

async function archive(c: Parameters<typeof adminContext>[0], archived: boolean) {
  const form = await readForm(c);
  assertCsrf(c, form);
  const key = c.req.param('key') ?? '';
  // A key of another shape names nothing; asking the database would only let PostgreSQL refuse a NUL.
  if (!categoryKey.safeParse(key).success) throw invalidField('key', 'no category has this key');
  const { db, categoryCache } = c.var.deps;
  // Transactional mail stops too (decideEligibility), so the form asks the admin to say they know.
  if (archived && (await getCategory(db, key)).kind === 'transactional' && field(form, 'confirm') !== 'yes') {
    throw invalidField('confirm', 'tick the box: archiving a transactional category stops its notices');
  }
  forgetCategory(categoryCache, (await setCategoryArchived(db, key, archived, operatorActor(c))).key);
  return c.redirect(`${adminContext(c).base}/categories?done=${archived ? 'archived' : 'unarchived'}`, 303);
}

export const categoryArchivePages = new Hono<AppEnv>()
  .post('/:key/archive', requirePermission('manage'), (c) => archive(c, true))
  .post('/:key/unarchive', requirePermission('manage'), (c) => archive(c, false));
