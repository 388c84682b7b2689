// The frame of every console screen: a skip link, the sections a role may read, who is signed in and
// the sign-out forms. Text goes through hono/jsx, which escapes it.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { can, type Permission } from '../../domain/console/roles.js';
import type { ConsoleSession } from '../../domain/console/sessions.js';
import { CONSOLE_CATALOGS, type ConsoleMessages } from '../../i18n/console/index.js';
import { type Locale, pickLocale } from '../../i18n/index.js';
import type { AppEnv } from '../env.js';
import { adminBase, CSRF_FIELD } from './guard.js';

export interface AdminContext {
  locale: Locale;
  t: ConsoleMessages;
  /** /admin under PUBLIC_URL's prefix. */
  base: string;
  session: ConsoleSession | undefined;
}

export function adminContext(c: Context<AppEnv>): AdminContext {
  const locale = pickLocale(null, c.req.header('accept-language'));
  return { locale, t: CONSOLE_CATALOGS[locale], base: adminBase(c), session: c.get('session') };
}

export type Section = 'overview' | 'recipients' | 'categories' | 'suppressions' | 'notices' | 'broadcasts' | 'webhooks' | 'keys' | 'ledger' | 'operators';

// A section with a permission is listed only to the roles that have it (the route refuses the others).
const SECTIONS: readonly { id: Section; path: string; label: (t: ConsoleMessages) => string; permission?: Permission }[] = [
  { id: 'overview', path: '', label: (t) => t.navOverview },
  { id: 'recipients', path: '/recipients', label: (t) => t.navRecipients },
  { id: 'categories', path: '/categories', label: (t) => t.navCategories },
  { id: 'suppressions', path: '/suppressions', label: (t) => t.navSuppressions },
  { id: 'notices', path: '/notices', label: (t) => t.navNotices },
  { id: 'broadcasts', path: '/broadcasts', label: (t) => t.navBroadcasts },
  { id: 'webhooks', path: '/webhooks', label: (t) => t.navWebhooks },
  { id: 'keys', path: '/keys', label: (t) => t.navKeys },
  { id: 'ledger', path: '/ledger', label: (t) => t.navLedger },
  { id: 'operators', path: '/operators', label: (t) => t.navOperators, permission: 'manage' },
];

export function roleName(t: ConsoleMessages, role: string): string {
  return role === 'admin' ? t.roleAdmin : role === 'editor' ? t.roleEditor : t.roleViewer;
}

/** The session's CSRF token as a hidden field: every console form carries one. */
export function Csrf(props: { a: AdminContext }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.a.session?.csrfToken ?? ''} />;
}

function Header(props: { a: AdminContext; current: Section | undefined }) {
  const { a } = props;
  const s = a.session;
  return (
    <header class="top">
      <a class="skip" href="#main">
        {a.t.skipToContent}
      </a>
      <div class="bar">
        <a class="brand" href={a.base}>
          <span class="mark" aria-hidden="true">
            m
          </span>
          {a.t.consoleName}
        </a>
        {s && (
          <div class="who">
            <span>{a.t.signedInAs(s.operator.email, roleName(a.t, s.operator.role))}</span>
            <a href={`${a.base}/account`}>{a.t.accountLink}</a>
            <form method="post" action={`${a.base}/sign-out`}>
              <Csrf a={a} />
              <button type="submit" class="link">
                {a.t.signOut}
              </button>
            </form>
            <form method="post" action={`${a.base}/sign-out-everywhere`}>
              <Csrf a={a} />
              <button type="submit" class="link">
                {a.t.signOutEverywhere}
              </button>
            </form>
          </div>
        )}
      </div>
      {s && (
        <nav aria-label={a.t.navLabel}>
          <ul>
            {SECTIONS.filter((x) => !x.permission || can(s.operator.role, x.permission)).map((x) => (
              <li>
                <a href={`${a.base}${x.path}`} aria-current={x.id === props.current ? 'page' : undefined}>
                  {x.label(a.t)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </header>
  );
}

export async function renderAdmin(
  c: Context<AppEnv>,
  a: AdminContext,
  page: { title: string; section?: Section; status?: ContentfulStatusCode; script?: boolean },
  body: Child,
): Promise<Response> {
  const markup = await (
    <html lang={a.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${page.title} · ${a.t.consoleName}`}</title>
        <link rel="stylesheet" href={`${a.base}/assets/console.css`} />
        {page.script && <script src={`${a.base}/assets/console.js`} defer />}
      </head>
      <body>
        <Header a={a} current={page.section} />
        <main id="main" tabindex={-1}>
          {body}
        </main>
      </body>
    </html>
  ).toString();
  c.header('Content-Language', a.locale);
  return c.html(`<!DOCTYPE html>${markup}`, page.status ?? 200);
}

/** A confirmation line after a change (?done=…), announced to screen readers. */
export function Flash(props: { text: string | undefined }) {
  return props.text ? (
    <p class="flash" role="status">
      {props.text}
    </p>
  ) : null;
}
