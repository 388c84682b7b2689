// /dev/outbox: every email kept by the development transport, shown as it would arrive, with working
// links. Mounted only outside production (src/app.ts). Pages escape through hono/jsx; the email's own
// HTML is served alone with scripts forbidden, and opened in a frame whose links leave the frame.
import { Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { UUID_PATTERN } from '../core/ids.js';
import { getOutboxEmail, listOutboxEmails } from '../domain/notices/outbox-transport.js';
import type { AppEnv } from './env.js';

function Page(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{props.title}</title>
        <style>
          {
            'body{font:15px system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse;width:100%}td,th{padding:.4rem;border-bottom:1px solid #ddd;text-align:left}pre{background:#f4f5f7;padding:1rem;white-space:pre-wrap}iframe{width:100%;height:40rem;border:1px solid #ccc}'
          }
        </style>
      </head>
      <body>{props.children}</body>
    </html>
  );
}

const notFoundPage = (
  <Page title="Not in the outbox">
    <h1>Not in the outbox</h1>
    <p>
      <a href="/dev/outbox">Back to the outbox</a>
    </p>
  </Page>
);

export const devOutbox = new Hono<AppEnv>()
  .get('/', async (c) => {
    const emails = await listOutboxEmails(c.var.deps.db, 200);
    return c.html(
      <Page title="Dev outbox">
        <h1>Dev outbox</h1>
        <p>No RESEND_API_KEY is set, so mailprefs keeps every email here instead of sending it. Newest first.</p>
        {emails.length === 0 ? (
          <p>No email yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>To</th>
                <th>Subject</th>
              </tr>
            </thead>
            <tbody>
              {emails.map((e) => (
                <tr>
                  <td>{e.createdAt}</td>
                  <td>{e.to}</td>
                  <td>
                    <a href={`/dev/outbox/${e.id}`}>{e.subject}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Page>,
    );
  })
  .get('/:id', async (c) => {
    const id = c.req.param('id');
    const email = UUID_PATTERN.test(id) ? await getOutboxEmail(c.var.deps.db, id) : undefined;
    if (!email) return c.html(notFoundPage, 404);
    const headers: Record<string, string> = {
      From: email.from,
      To: email.to,
      Subject: email.subject,
      ...email.headers,
    };
    return c.html(
      <Page title={email.subject}>
        <p>
          <a href="/dev/outbox">← Outbox</a>
        </p>
        <h1>{email.subject}</h1>
        <table>
          {Object.entries(headers).map(([k, v]) => (
            <tr>
              <th>{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </table>
        <h2>HTML</h2>
        <iframe title="HTML part" src={`/dev/outbox/${email.id}/html`}></iframe>
        <h2>Plain text</h2>
        <pre>{email.text}</pre>
      </Page>,
    );
  })
  .get('/:id/html', async (c) => {
    const id = c.req.param('id');
    const email = UUID_PATTERN.test(id) ? await getOutboxEmail(c.var.deps.db, id) : undefined;
    if (!email) return c.html(notFoundPage, 404);
    c.header('Content-Security-Policy', "script-src 'none'; object-src 'none'");
    // Links open in the whole window, as they would from a mail client.
    return c.html(email.html.replace(/<head>/i, '<head><base target="_top">'));
  });
