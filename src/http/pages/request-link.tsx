// `/p`: "email me a fresh link to my preferences". The same answer whether the address is known or not.
import { Hono } from 'hono';
import { isValidEmail } from '../../core/email.js';
import { requestPreferencesLink } from '../../domain/self-service/request-preferences-link.js';
import type { AppEnv } from '../env.js';
import { clientIp, field, readForm } from './form.js';
import { assertSameOrigin } from './guard.js';
import { Message, type PageContext, pageContext, renderPage } from './page.js';

/** One labelled address field and a submit button; an error is tied to the field for screen readers. */
export function EmailForm(props: { id: string; label: string; button: string; action?: string; email?: string; error?: string }) {
  const errorId = `${props.id}-error`;
  return (
    <form method="post" action={props.action} class="stack">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name="email"
        type="email"
        autocomplete="email"
        inputmode="email"
        required
        maxlength={254}
        value={props.email}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? errorId : undefined}
      />
      {props.error && (
        <p id={errorId} class="error">
          {props.error}
        </p>
      )}
      <div>
        <button type="submit">{props.button}</button>
      </div>
    </form>
  );
}

export function RequestLinkForm(props: { p: PageContext; email?: string; error?: string }) {
  const { t, base } = props.p;
  return <EmailForm id="email" label={t.emailLabel} button={t.requestButton} action={`${base}/p`} email={props.email} error={props.error} />;
}

export const requestLinkPages = new Hono<AppEnv>()
  .get('/', (c) => {
    const p = pageContext(c);
    return renderPage(
      c,
      p,
      p.t.requestHeading,
      <Message heading={p.t.requestHeading} lead={p.t.requestLead}>
        <RequestLinkForm p={p} />
      </Message>,
    );
  })
  .post('/', async (c) => {
    assertSameOrigin(c);
    const form = await readForm(c);
    const email = (field(form, 'email') ?? '').trim();
    const p = pageContext(c);
    if (!isValidEmail(email)) {
      const body = (
        <Message heading={p.t.requestHeading} lead={p.t.requestLead}>
          <RequestLinkForm p={p} email={email} error={p.t.invalidEmailLead} />
        </Message>
      );
      return renderPage(c, p, p.t.requestHeading, body, 422);
    }
    const { db, config, systemMail } = c.var.deps;
    await requestPreferencesLink(db, config, email, clientIp(c), { mailer: systemMail, enqueue: c.var.mailQueue.enqueue });
    return renderPage(c, p, p.t.requestSentHeading, <Message role="status" heading={p.t.requestSentHeading} lead={p.t.requestSentLead} />);
  });
