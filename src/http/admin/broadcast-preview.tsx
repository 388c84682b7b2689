// The broadcast form's preview: the subject and text rendered with the data typed, by the preview verb
// the API uses. Without JavaScript the form's Preview button posts and the page shows it; with the
// console's script the same card follows the data as it is typed (a debounced POST to /preview that
// answers JSON). Both write text only — the server escapes it here, the script sets textContent — so a
// `<script>` typed into the data is shown, never run (CSP script-src 'self' as a second line). The HTML
// version is shown in an iframe with an empty `sandbox` (no script, an origin of its own) from
// `srcdoc`: it inherits the console's CSP, so the email's inline styles and remote images (a tracking
// pixel included) are not applied or fetched: the preview shows its words and links, not its looks.
import type { Context } from 'hono';
import { invalidField } from '../../core/errors.js';
import { previewTemplate } from '../../domain/notices/preview.js';
import type { RenderedEmail } from '../../domain/notices/render.js';
import type { AppEnv } from '../env.js';
import { field, readForm } from '../pages/form.js';
import { assertCsrf } from './guard.js';
import type { AdminContext } from './layout.js';

export const DATA_MAX = 20_000;

export function parseData(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidField('data', 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidField('data', 'a JSON object');
  return value as Record<string, unknown>;
}

export async function renderPreview(c: Context<AppEnv>, template: string, data: Record<string, unknown>): Promise<RenderedEmail> {
  if (!c.var.notices.templates.names().includes(template)) throw invalidField('template', 'no such template');
  return previewTemplate(c.var.deps.config, c.var.notices.templates, template, data);
}

/** POST /admin/broadcasts/preview: the live preview's JSON. */
export async function livePreview(c: Context<AppEnv>): Promise<Response> {
  const form = await readForm(c);
  assertCsrf(c, form);
  const email = await renderPreview(c, (field(form, 'template') ?? '').slice(0, 64), parseData((field(form, 'data') ?? '').slice(0, DATA_MAX)));
  return c.json({ subject: email.subject, text: email.text, html: email.html });
}

/** Always on the form's page for editors, hidden until there is something to show. */
export function PreviewCard(props: { a: AdminContext; preview: RenderedEmail | undefined; editor: boolean }) {
  const { a, preview } = props;
  if (!preview && !props.editor) return null;
  return (
    <section
      class="card"
      id="preview-card"
      aria-labelledby="preview-h"
      role="status"
      hidden={!preview}
      data-preview-url={props.editor ? `${a.base}/broadcasts/preview` : undefined}
      data-waiting={a.t.previewWaiting}
    >
      <h2 id="preview-h">{a.t.previewHeading}</h2>
      <p>
        <strong>{a.t.subjectLabel}:</strong> <span data-preview="subject">{preview?.subject ?? ''}</span>
      </p>
      <p class="hint" data-preview="status" />
      <pre class="mono preview" data-preview="text">
        {preview?.text ?? ''}
      </pre>
      <details>
        <summary>{a.t.previewHtmlSummary}</summary>
        <iframe class="preview" sandbox="" title={a.t.previewHtmlTitle} data-preview="html" srcdoc={preview?.html ?? ''} />
      </details>
    </section>
  );
}
