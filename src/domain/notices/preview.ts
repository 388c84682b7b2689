// Templates as the API lists them, and a preview rendered with example links (the footer's tokens name
// no real recipient, so clicking them shows the "link not valid" page).
import type { Config } from '../../config.js';
import { linksFor } from '../links/email-links.js';
import { type RenderedEmail, renderEmail } from './render.js';
import { validateData } from './template-spec.js';
import type { TemplateStore } from './template-store.js';

// A well-formed id that no recipient or category has.
const PREVIEW_ID = '00000000-0000-7000-8000-000000000000';

export async function describeTemplates(store: TemplateStore) {
  const all = await Promise.all(store.names().map((n) => store.get(n)));
  return all.map((t) => ({
    name: t.name,
    kind: t.spec.kind,
    subject: t.spec.subject,
    fields: Object.entries(t.spec.fields).map(([name, f]) => ({ name, type: f.type, required: !f.optional, ...(f.max && { maxLength: f.max }) })),
    example: t.spec.example,
  }));
}

/** Without data, the template's own example is used. */
export async function previewTemplate(config: Config, store: TemplateStore, name: string, data: unknown): Promise<RenderedEmail> {
  const template = await store.get(name);
  const values = validateData(template.schema, data ?? template.spec.example);
  const links = linksFor(config, PREVIEW_ID, { id: PREVIEW_ID, kind: template.spec.kind });
  return renderEmail(template, values, { config, categoryName: 'Example category', links });
}
