// Operators (admins only; docs/console.md "Operators"): list them, invite one, change a role, disable,
// reset — the CLI's verbs with the console's two rules (src/domain/console/manage-operators.ts). A
// set-password link is shown once, on the answer page, which nothing caches (no-store, from the guard).
import type { Context } from 'hono';
import { Hono } from 'hono';
import { invalidField } from '../../core/errors.js';
import { type AdminActor, changeOperatorRole, disableOperatorAsAdmin, inviteOperator, resetOperatorAsAdmin } from '../../domain/console/manage-operators.js';
import { listOperators, type Operator } from '../../domain/console/operators.js';
import { isOperatorRole, OPERATOR_ROLES, type OperatorRole } from '../../domain/console/roles.js';
import type { AppEnv } from '../env.js';
import { type Form, field, readForm } from '../pages/form.js';
import { assertCsrf, operatorActor, requirePermission } from './guard.js';
import { type AdminContext, adminContext, Csrf, Flash, renderAdmin, roleName } from './layout.js';

const STATE_BADGE = { active: 'ok', invited: 'warn', disabled: 'no' } as const;

function RoleSelect(props: { a: AdminContext; id: string; label: string; selected?: OperatorRole }) {
  return (
    <select id={props.id} name="role" aria-label={props.label}>
      {OPERATOR_ROLES.map((r) => (
        <option value={r} selected={r === props.selected}>
          {roleName(props.a.t, r)}
        </option>
      ))}
    </select>
  );
}

function OperatorRow(props: { a: AdminContext; o: Operator }) {
  const { a, o } = props;
  const { t } = a;
  const self = o.id === a.session?.operator.id;
  const action = (name: string) => `${a.base}/operators/${o.id}/${name}`;
  const state = o.state === 'active' ? t.stateActive : o.state === 'invited' ? t.stateInvited : t.stateDisabled;
  return (
    <tr>
      <th scope="row">
        {o.email} {self && <span class="muted">{t.youMark}</span>}
      </th>
      <td>{roleName(t, o.role)}</td>
      <td>
        <span class={`badge ${STATE_BADGE[o.state]}`}>{state}</span>
      </td>
      <td class="nowrap">{o.lastSignInAt ? o.lastSignInAt.slice(0, 16).replace('T', ' ') : t.neverSignedIn}</td>
      <td>
        {self ? (
          <span class="hint">{t.selfHint}</span>
        ) : (
          <>
            <form method="post" action={action('role')} class="inline">
              <Csrf a={a} />
              <RoleSelect a={a} id={`role-${o.id}`} label={`${t.colRole}: ${o.email}`} selected={o.role} />{' '}
              <button type="submit" class="secondary" aria-label={`${t.changeRoleButton}: ${o.email}`}>
                {t.changeRoleButton}
              </button>
            </form>{' '}
            {o.state !== 'disabled' && (
              <form method="post" action={action('disable')} class="inline">
                <Csrf a={a} />
                <button type="submit" class="danger" aria-label={`${t.disableOperatorButton}: ${o.email}`}>
                  {t.disableOperatorButton}
                </button>
              </form>
            )}{' '}
            <form method="post" action={action('reset')} class="inline">
              <Csrf a={a} />
              <button type="submit" class="secondary" aria-label={`${o.state === 'disabled' ? t.resetEnableButton : t.resetOperatorButton}: ${o.email}`}>
                {o.state === 'disabled' ? t.resetEnableButton : t.resetOperatorButton}
              </button>
            </form>
          </>
        )}
      </td>
    </tr>
  );
}

async function operatorsPage(c: Context<AppEnv>, issued?: { operator: Operator; link: string; status: 200 | 201 }) {
  const a = adminContext(c);
  const { t } = a;
  const operators = await listOperators(c.var.deps.db);
  const done = c.req.query('done');
  return renderAdmin(
    c,
    a,
    { title: t.navOperators, section: 'operators', status: issued?.status },
    <>
      <h1>{t.navOperators}</h1>
      <Flash text={done === 'role' ? t.doneRoleChanged : done === 'disabled' ? t.doneDisabled : undefined} />
      <p class="lead">{t.operatorsLead}</p>
      {issued && (
        <section class="card" role="status" aria-labelledby="link-h">
          <h2 id="link-h">{t.operatorLinkHeading(issued.operator.email)}</h2>
          <p>{t.operatorLinkLead}</p>
          <label for="setup-link">{t.operatorLinkLabel}</label>
          <input id="setup-link" type="text" readonly value={issued.link} class="mono" size={72} />
        </section>
      )}
      <div class="card scroll" tabindex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.colEmail}</th>
              <th scope="col">{t.colRole}</th>
              <th scope="col">{t.colState}</th>
              <th scope="col">{t.colLastSignIn}</th>
              <th scope="col">{t.actionsHeading}</th>
            </tr>
          </thead>
          <tbody>
            {operators.map((o) => (
              <OperatorRow a={a} o={o} />
            ))}
          </tbody>
        </table>
      </div>
      <form method="post" action={`${a.base}/operators`} class="card stack">
        <Csrf a={a} />
        <h2>{t.newOperatorLegend}</h2>
        <label for="op-email">{t.emailLabel}</label>
        <input id="op-email" name="email" type="email" required maxlength={320} autocomplete="off" />
        <label for="op-role">{t.colRole}</label>
        <RoleSelect a={a} id="op-role" label={t.colRole} selected="viewer" />
        <div>
          <button type="submit">{t.createButton}</button>
        </div>
      </form>
    </>,
  );
}

function admin(c: Context<AppEnv>): AdminActor {
  return { operatorId: c.var.session.operator.id, ctx: operatorActor(c) };
}

function role(form: Form): OperatorRole {
  const value = field(form, 'role') ?? '';
  if (!isOperatorRole(value)) throw invalidField('role', `one of ${OPERATOR_ROLES.join(', ')}`);
  return value;
}

async function checkedForm(c: Context<AppEnv>): Promise<Form> {
  const form = await readForm(c);
  assertCsrf(c, form);
  return form;
}

// Everything here is an admin's: viewers and editors get 403 for the page as well as the forms.
export const operatorPages = new Hono<AppEnv>()
  .use('*', requirePermission('manage'))
  .get('/', (c) => operatorsPage(c))
  .post('/', async (c) => {
    const form = await checkedForm(c);
    const email = (field(form, 'email') ?? '').slice(0, 321);
    if (email.length > 320) throw invalidField('email', 'at most 320 characters');
    const issued = await inviteOperator(c.var.deps.db, c.var.deps.config.publicUrl, { email, role: role(form) }, admin(c));
    return operatorsPage(c, { ...issued, status: 201 });
  })
  .post('/:id/role', async (c) => {
    const form = await checkedForm(c);
    await changeOperatorRole(c.var.deps.db, c.req.param('id'), role(form), admin(c));
    return c.redirect(`${adminContext(c).base}/operators?done=role`, 303);
  })
  .post('/:id/disable', async (c) => {
    await checkedForm(c);
    await disableOperatorAsAdmin(c.var.deps.db, c.req.param('id'), admin(c));
    return c.redirect(`${adminContext(c).base}/operators?done=disabled`, 303);
  })
  .post('/:id/reset', async (c) => {
    await checkedForm(c);
    const issued = await resetOperatorAsAdmin(c.var.deps.db, c.var.deps.config.publicUrl, c.req.param('id'), admin(c));
    return operatorsPage(c, { ...issued, status: 200 });
  });
