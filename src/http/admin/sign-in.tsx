// Signing in and out of the console, and setting a password from a one-time link. Every failure to
// sign in has the same answer, whether or not the address is an operator's.
import { Hono } from 'hono';
import { AppError } from '../../core/errors.js';
import { setPasswordWithLink, setupLinkOperator } from '../../domain/console/operators.js';
import { MIN_PASSWORD_LENGTH } from '../../domain/console/passwords.js';
import { signIn, signOut, signOutEverywhere } from '../../domain/console/sessions.js';
import type { AppEnv } from '../env.js';
import { clientIp, field, readForm } from '../pages/form.js';
import { assertSameOrigin } from '../pages/guard.js';
import { assertCsrf, clearSessionCookie, requireSession, setSessionCookie } from './guard.js';
import { type AdminContext, adminContext, renderAdmin } from './layout.js';

function SignInForm(props: { a: AdminContext; error?: string; email?: string }) {
  const { t, base } = props.a;
  return (
    <div class="card narrow">
      <h1>{t.signInHeading}</h1>
      <p class="lead">{t.signInLead}</p>
      {props.error && (
        <p class="alert" role="alert" id="sign-in-error">
          {props.error}
        </p>
      )}
      <form method="post" action={`${base}/sign-in`} class="stack">
        <label for="email">{t.emailLabel}</label>
        <input id="email" name="email" type="email" autocomplete="username" required maxlength={254} value={props.email} />
        <label for="password">{t.passwordLabel}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required maxlength={256} />
        <div>
          <button type="submit">{t.signInButton}</button>
        </div>
      </form>
    </div>
  );
}

export const signInPages = new Hono<AppEnv>()
  .get('/sign-in', (c) => {
    const a = adminContext(c);
    const done = c.req.query('done');
    const note = done === 'signed-out' ? a.t.signedOut : done === 'password-set' ? a.t.passwordSetLead : undefined;
    return renderAdmin(
      c,
      a,
      { title: a.t.signInHeading },
      <>
        {note && (
          <p class="flash narrow" role="status">
            {note}
          </p>
        )}
        <SignInForm a={a} />
      </>,
    );
  })
  .post('/sign-in', async (c) => {
    assertSameOrigin(c);
    const form = await readForm(c);
    const email = field(form, 'email') ?? '';
    const a = adminContext(c);
    const { db, config } = c.var.deps;
    try {
      // A new session id at every sign-in: whatever cookie came with the form is never promoted (fixation).
      const { token } = await signIn(
        db,
        config.hashKey,
        { email, password: field(form, 'password') ?? '', client: clientIp(c) ?? 'unknown' },
        new Date(),
        config.scryptCost,
      );
      setSessionCookie(c, token);
      return c.redirect(a.base, 303);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'unauthorized') throw err;
      return renderAdmin(c, a, { title: a.t.signInHeading, status: 401 }, <SignInForm a={a} error={a.t.signInFailed} email={email.slice(0, 254)} />);
    }
  })
  .get('/set-password/:token', async (c) => {
    const a = adminContext(c);
    const operator = await setupLinkOperator(c.var.deps.db, c.req.param('token'));
    if (!operator) throw new AppError('not_found', 'set-password link');
    return renderAdmin(
      c,
      a,
      { title: a.t.setPasswordHeading },
      <div class="card narrow">
        <h1>{a.t.setPasswordHeading}</h1>
        <p class="lead">{a.t.setPasswordLead(operator.email)}</p>
        <form method="post" class="stack">
          {/* Lets password managers file the new password under the right account. */}
          <input type="email" name="username" autocomplete="username" value={operator.email} readonly hidden />
          <label for="password">{a.t.newPasswordLabel}</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="new-password"
            required
            minlength={MIN_PASSWORD_LENGTH}
            maxlength={256}
            aria-describedby="password-hint"
          />
          <p class="hint" id="password-hint">
            {a.t.passwordHint(MIN_PASSWORD_LENGTH)}
          </p>
          <div>
            <button type="submit">{a.t.setPasswordButton}</button>
          </div>
        </form>
      </div>,
    );
  })
  .post('/set-password/:token', async (c) => {
    assertSameOrigin(c);
    const form = await readForm(c);
    const { db, config } = c.var.deps;
    await setPasswordWithLink(db, c.req.param('token'), field(form, 'password') ?? '', new Date(), config.scryptCost);
    clearSessionCookie(c);
    return c.redirect(`${adminContext(c).base}/sign-in?done=password-set`, 303);
  })
  .post('/sign-out', requireSession, async (c) => {
    assertCsrf(c, await readForm(c));
    await signOut(c.var.deps.db, c.var.session.id);
    clearSessionCookie(c);
    return c.redirect(`${adminContext(c).base}/sign-in?done=signed-out`, 303);
  })
  .post('/sign-out-everywhere', requireSession, async (c) => {
    assertCsrf(c, await readForm(c));
    await signOutEverywhere(c.var.deps.db, c.var.session.operator.id);
    clearSessionCookie(c);
    return c.redirect(`${adminContext(c).base}/sign-in?done=signed-out`, 303);
  });
