// Categories: everyone reads them; admins create, edit (key and kind never change) and archive them
// (category-archive.tsx).
import { Hono } from 'hono';
import { invalidField } from '../../core/errors.js';
import type { Category } from '../../core/vocabulary.js';
import { createCategoryAsOperator, editCategoryAsOperator } from '../../domain/console/configuration.js';
import { can } from '../../domain/console/roles.js';
import { getCategory, listCategories } from '../../domain/recipients/categories.js';
import { forgetCategory } from '../../domain/recipients/category-cache.js';
import type { AppEnv } from '../env.js';
import { categoryKey, line, prose } from '../fields.js';
import { type Form, field, readForm } from '../pages/form.js';
import { ArchiveSection } from './category-archive.js';
import { assertCsrf, operatorActor, requirePermission } from './guard.js';
import { type AdminContext, adminContext, Csrf, Flash, renderAdmin } from './layout.js';

function text(form: Form, name: string, schema: ReturnType<typeof line>, required: boolean): string | null {
  const value = (field(form, name) ?? '').trim();
  if (value === '') {
    if (required) throw invalidField(name, 'required');
    return null;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidField(name, parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}

function CategoryFields(props: { a: AdminContext; category?: Category }) {
  const { t } = props.a;
  const c = props.category;
  const marketing = !c || c.kind === 'marketing';
  return (
    <>
      <label for="name">{t.colName}</label>
      <input id="name" name="name" type="text" required maxlength={200} value={c?.name} />
      <label for="description">{t.colDescription}</label>
      <textarea id="description" name="description" maxlength={2000}>
        {c?.description ?? ''}
      </textarea>
      {marketing && (
        <>
          <label for="consent">{t.colConsent}</label>
          <select id="consent" name="consent">
            <option value="opt_in" selected={c?.consent !== 'opt_out'}>
              {t.consentOptIn}
            </option>
            <option value="opt_out" selected={c?.consent === 'opt_out'}>
              {t.consentOptOut}
            </option>
          </select>
          <label class="check">
            <input type="checkbox" name="doubleOptIn" value="yes" checked={c?.doubleOptIn} /> {t.colDoubleOptIn}
          </label>
        </>
      )}
    </>
  );
}

const FLASH: Record<string, (t: AdminContext['t']) => string> = {
  created: (t) => t.doneCreated,
  saved: (t) => t.saved,
  archived: (t) => t.doneArchived,
  unarchived: (t) => t.doneUnarchived,
};

export const categoryPages = new Hono<AppEnv>()
  .get('/', async (c) => {
    const a = adminContext(c);
    const { t } = a;
    const list = await listCategories(c.var.deps.db);
    const admin = can(c.var.session.operator.role, 'manage');
    const done = c.req.query('done');
    return renderAdmin(
      c,
      a,
      { title: t.navCategories, section: 'categories' },
      <>
        <h1>{t.navCategories}</h1>
        <Flash text={FLASH[done ?? '']?.(t)} />
        <p class="lead">{t.categoriesLead}</p>
        <div class="card scroll" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.colName}</th>
                <th scope="col">{t.colKey}</th>
                <th scope="col">{t.colKind}</th>
                <th scope="col">{t.colConsent}</th>
                <th scope="col">{t.colDoubleOptIn}</th>
                <th scope="col">{t.colArchived}</th>
                {admin && <th scope="col">{t.actionsHeading}</th>}
              </tr>
            </thead>
            <tbody>
              {list.map((k) => (
                <tr>
                  <th scope="row">{k.name}</th>
                  <td>
                    <code>{k.key}</code>
                  </td>
                  <td>{k.kind === 'marketing' ? t.kindMarketing : t.kindTransactional}</td>
                  <td>{k.kind === 'marketing' ? (k.consent === 'opt_in' ? t.consentOptIn : t.consentOptOut) : '–'}</td>
                  <td>{k.doubleOptIn ? t.yes : t.no}</td>
                  <td>{k.archived ? <span class="badge warn">{t.stateArchived}</span> : <span class="badge ok">{t.stateInUse}</span>}</td>
                  {admin && (
                    <td>
                      <a href={`${a.base}/categories/${k.key}`} aria-label={`${t.editLink}: ${k.name}`}>
                        {t.editLink}
                      </a>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {admin && (
          <form method="post" action={`${a.base}/categories`} class="card stack">
            <Csrf a={a} />
            <h2>{t.newCategoryLegend}</h2>
            <label for="key">{t.colKey}</label>
            <input id="key" name="key" type="text" required maxlength={64} pattern="[a-z0-9][a-z0-9_\-]{0,63}" aria-describedby="key-hint" />
            <p class="hint" id="key-hint">
              {t.keyHint}
            </p>
            <label for="kind">{t.colKind}</label>
            <select id="kind" name="kind">
              <option value="marketing">{t.kindMarketing}</option>
              <option value="transactional">{t.kindTransactional}</option>
            </select>
            <CategoryFields a={a} />
            <div>
              <button type="submit">{t.createButton}</button>
            </div>
          </form>
        )}
      </>,
    );
  })
  .post('/', requirePermission('manage'), async (c) => {
    const form = await readForm(c);
    assertCsrf(c, form);
    const key = field(form, 'key') ?? '';
    if (!categoryKey.safeParse(key).success) throw invalidField('key', 'lower-case letters, digits, - and _, at most 64');
    const kind = field(form, 'kind') === 'transactional' ? 'transactional' : 'marketing';
    await createCategoryAsOperator(
      c.var.deps.db,
      {
        key,
        kind,
        name: text(form, 'name', line(200), true)!,
        description: text(form, 'description', prose(2000), false),
        consent: field(form, 'consent') === 'opt_out' ? 'opt_out' : 'opt_in',
        doubleOptIn: field(form, 'doubleOptIn') === 'yes',
      },
      operatorActor(c),
    );
    return c.redirect(`${adminContext(c).base}/categories?done=created`, 303);
  })
  .get('/:key', requirePermission('manage'), async (c) => {
    const a = adminContext(c);
    const category = await getCategory(c.var.deps.db, c.req.param('key').slice(0, 64));
    return renderAdmin(
      c,
      a,
      { title: a.t.editHeading(category.name), section: 'categories' },
      <>
        <p>
          <a href={`${a.base}/categories`}>← {a.t.navCategories}</a>
        </p>
        <h1>{a.t.editHeading(category.name)}</h1>
        <form method="post" class="card stack">
          <Csrf a={a} />
          <p>
            <code>{category.key}</code> · {category.kind === 'marketing' ? a.t.kindMarketing : a.t.kindTransactional}
          </p>
          <CategoryFields a={a} category={category} />
          <div>
            <button type="submit">{a.t.saveButton}</button>
          </div>
        </form>
        <ArchiveSection a={a} category={category} />
      </>,
    );
  })
  .post('/:key', requirePermission('manage'), async (c) => {
    const form = await readForm(c);
    assertCsrf(c, form);
    const { db, categoryCache } = c.var.deps;
    const current = await getCategory(db, c.req.param('key').slice(0, 64));
    const marketing = current.kind === 'marketing';
    const updated = await editCategoryAsOperator(
      db,
      current.key,
      {
        name: text(form, 'name', line(200), true)!,
        description: text(form, 'description', prose(2000), false),
        ...(marketing && { consent: field(form, 'consent') === 'opt_out' ? 'opt_out' : 'opt_in', doubleOptIn: field(form, 'doubleOptIn') === 'yes' }),
      },
      operatorActor(c),
    );
    forgetCategory(categoryCache, updated.key);
    return c.redirect(`${adminContext(c).base}/categories?done=saved`, 303);
  });
