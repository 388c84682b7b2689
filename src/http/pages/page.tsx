// The frame of every recipient page, and rendering one. Text goes through hono/jsx, which escapes it;
// no URL shown here comes from user input (all are built from PUBLIC_URL and signed tokens).
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { MailTrace } from '../../core/vocabulary.js';
import { preferencesUrlFor } from '../../domain/links/email-links.js';
import { CATALOGS, type Locale, type Messages, pickLocale } from '../../i18n/index.js';
import type { AppEnv } from '../env.js';

export interface PageContext {
  locale: Locale;
  t: Messages;
  org: string;
  postalAddress: string;
  /** PUBLIC_URL's path, so links work behind a proxy that serves mailprefs under a prefix. */
  base: string;
}

export function pageContext(c: Context<AppEnv>, recipientLocale?: string | null): PageContext {
  const { config } = c.var.deps;
  const locale = pickLocale(recipientLocale, c.req.header('accept-language'));
  return {
    locale,
    t: CATALOGS[locale],
    org: config.orgName,
    postalAddress: config.orgPostalAddress,
    base: new URL(config.publicUrl).pathname.replace(/\/+$/, ''),
  };
}

function Layout(props: { p: PageContext; title: string; children?: Child }) {
  const { p } = props;
  return (
    <html lang={p.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${props.title} · ${p.org}`}</title>
        <link rel="stylesheet" href={`${p.base}/assets/pages.css`} />
      </head>
      <body>
        <div class="shell">
          <header class="brand">
            <span class="mark" aria-hidden="true">
              {Array.from(p.org.trim())[0]?.toUpperCase() ?? '·'}
            </span>
            <span>{p.org}</span>
          </header>
          <main class="card">{props.children}</main>
          <footer class="foot">
            <p>{p.t.footerAbout(p.org)}</p>
            <p>{p.postalAddress}</p>
          </footer>
        </div>
      </body>
    </html>
  );
}

export async function renderPage(c: Context<AppEnv>, p: PageContext, title: string, body: Child, status: ContentfulStatusCode = 200): Promise<Response> {
  const markup = await (
    <Layout p={p} title={title}>
      {body}
    </Layout>
  ).toString();
  c.header('Content-Language', p.locale);
  return c.html(`<!DOCTYPE html>${markup}`, status);
}

/** A short heading-and-text block, the body of most pages. */
export function Message(props: { heading: string; lead: string; children?: Child; role?: 'status' | 'alert' }) {
  return (
    <div role={props.role}>
      <h1>{props.heading}</h1>
      <p class="lead">{props.lead}</p>
      {props.children}
    </div>
  );
}

/** "Manage all preferences", the way out of every single-category page. */
export function ManageLink(props: { href: string; label: string }) {
  return (
    <p>
      <a class="button secondary" href={props.href}>
        {props.label}
      </a>
    </p>
  );
}

/** The preference page of a recipient, as a path under PUBLIC_URL's prefix, still naming the mail they came from. */
export function preferencesHref(c: Context<AppEnv>, p: PageContext, recipientId: string, trace?: MailTrace): string {
  return preferencesUrlFor({ signingKeys: c.var.deps.config.signingKeys, publicUrl: p.base }, recipientId, trace);
}
