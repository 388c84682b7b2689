// "Change your password", for any signed-in operator (docs/console.md "Your own password"). No script:
// a plain form with the CSRF token; a wrong current password gets sign-in's answer (401), and the new
// session's cookie replaces the old one, which has ended with every other session of the operator.
import { Hono } from 'hono';
import { AppError } from '../../core/errors.js';
import { changeOwnPassword } from '../../domain/console/own-password.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../domain/console/passwords.js';
import type { AppEnv } from '../env.js';
import { clientIp, field, readForm } from '../pages/form.js';
import { assertCsrf, operatorActor, setSessionCookie } from './guard.js';
import { type AdminContext, adminContext, Csrf, Flash, renderAdmin } from './layout.js';

function PasswordForm(props: { a: AdminContext; error?: string | undefined }) {
  const { a } = props;
  const { t } = a;
  const password = { type: 'password', required: true, maxlength: MAX_PASSWORD_LENGTH } as const;
  return (
    <div class="card narrow">
      <h1>{t.accountHeading}</h1>
      <p class="lead">{t.accountLead}</p>
      {props.error && (
        <p class="alert" role="alert" id="password-error">
          {props.error}
        </p>
      )}
      <form method="post" action={`${a.base}/account/password`} class="stack">
        <Csrf a={a} />
        {/* Lets password managers file the new password under the right account. */}
        <input type="email" name="username" autocomplete="username" value={a.session?.operator.email} readonly hidden />
        <label for="current-password">{t.currentPasswordLabel}</label>
        <input id="current-password" name="currentPassword" autocomplete="current-password" {...password} />
        <label for="new-password">{t.newPasswordLabel}</label>
        <input
          id="new-password"
          name="newPassword"
          autocomplete="new-password"
          minlength={MIN_PASSWORD_LENGTH}
          aria-describedby="password-hint"
          {...password}
        />
        <p class="hint" id="password-hint">
          {t.passwordHint(MIN_PASSWORD_LENGTH)}
        </p>
        <label for="repeat-password">{t.repeatPasswordLabel}</label>
        <input id="repeat-password" name="repeatPassword" autocomplete="new-password" minlength={MIN_PASSWORD_LENGTH} {...password} />
        <div>
          <button type="submit">{t.changePasswordButton}</button>
        </div>
      </form>
    </div>
  );
}

export const accountPages = new Hono<AppEnv>()
  .get('/', (c) => {
    const a = adminContext(c);
    const done = c.req.query('done') === 'password-changed' ? a.t.donePasswordChanged : undefined;
    return renderAdmin(
      c,
      a,
      { title: a.t.accountHeading },
      <>
        <Flash text={done} />
        <PasswordForm a={a} />
      </>,
    );
  })
  .post('/password', async (c) => {
    const form = await readForm(c);
    assertCsrf(c, form);
    const a = adminContext(c);
    const { db, config } = c.var.deps;
    const input = {
      current: field(form, 'currentPassword') ?? '',
      next: field(form, 'newPassword') ?? '',
      repeat: field(form, 'repeatPassword') ?? '',
      client: clientIp(c) ?? 'unknown',
    };
    try {
      const { token } = await changeOwnPassword(db, config.hashKey, c.var.session, input, operatorActor(c), new Date(), config.scryptCost);
      setSessionCookie(c, token);
      return c.redirect(`${a.base}/account?done=password-changed`, 303);
    } catch (err) {
      const error = refusal(a, err);
      if (!error) throw err;
      return renderAdmin(c, a, { title: a.t.accountHeading, status: error.status }, <PasswordForm a={a} error={error.text} />);
    }
  });

/** The refusals shown on the form itself; anything else (a lockout's 429, CSRF) is the console's error page. */
function refusal(a: AdminContext, err: unknown): { status: 401 | 422; text: string } | undefined {
  if (!(err instanceof AppError)) return undefined;
  if (err.code === 'unauthorized') return { status: 401, text: a.t.currentPasswordWrong };
  if (err.code !== 'invalid_field') return undefined;
  const path = err.extra.errors?.[0]?.path;
  if (path === 'repeatPassword') return { status: 422, text: a.t.passwordsDiffer };
  return { status: 422, text: a.t.passwordRulesFailed(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH) };
}
