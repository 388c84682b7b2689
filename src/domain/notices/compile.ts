// Compile once, substitute per recipient (docs/standards.md "MJML 5"): MJML turns the layout, footer and body
// into HTML with `{{name}}` placeholders intact; the result is split into static text and slots, so each
// recipient costs one pass of escaped string joins. MJML escapes nothing itself: every slot is escaped
// here, for the place it sits in.
import type { TemplateSpec } from './template-spec.js';

// MJML takes about half a second to load: it is loaded when the first template is compiled, so a
// process that sends nothing (the CLI, a test, an instance answering eligibility) never pays for it.
let mjml: Promise<{ default: typeof import('mjml') }> | undefined;

/** How a value is written into its slot. */
export type SlotMode = 'html' | 'html-lines' | 'href' | 'raw' | 'header';

interface Slot {
  /** The data field, or for `mp.*` placeholders the key in SystemValues. */
  key: string;
  system: boolean;
  mode: SlotMode;
}

/** What the layout fills in itself (`{{mp.NAME}}` in a template). */
export interface SystemValues {
  subject: string;
  orgName: string;
  orgPostalAddress: string;
  categoryName: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
}

/** `statics.length === slots.length + 1`: static, slot, static, slot, …, static. */
export interface Compiled {
  statics: string[];
  slots: Slot[];
}

export interface CompiledTemplate {
  subject: Compiled;
  html: Compiled;
  text: Compiled;
}

export interface TemplateSources {
  layout: string;
  footer: string;
  body: string;
  textBody: string;
  textFooter: string;
}

/** Values filled in by the layout rather than the caller. */
export const SYSTEM_FIELDS = ['mp.subject', 'mp.orgName', 'mp.orgPostalAddress', 'mp.categoryName', 'mp.unsubscribeUrl', 'mp.preferencesUrl'] as const;
const SYSTEM_LINKS = new Set(['mp.unsubscribeUrl', 'mp.preferencesUrl']);

const PLACEHOLDER = /\{\{\s*([A-Za-z][\w.]*)\s*\}\}/g;
const IN_HREF = /\bhref\s*=\s*["'][^"']*$/i;

function split(name: string, source: string, spec: TemplateSpec, modeFor: (field: string, before: string) => SlotMode): Compiled {
  const statics: string[] = [];
  const slots: Slot[] = [];
  let last = 0;
  for (const m of source.matchAll(PLACEHOLDER)) {
    const field = m[1]!;
    if (!(field in spec.fields) && !(SYSTEM_FIELDS as readonly string[]).includes(field)) {
      throw new Error(`template ${name}: unknown placeholder {{${field}}}`);
    }
    const before = source.slice(last, m.index);
    statics.push(before);
    const system = field.startsWith('mp.');
    // Whoever reads mail sent to an unconfirmed address may not be the person (issue 10).
    if (spec.unconfirmedAddress && SYSTEM_LINKS.has(field))
      throw new Error(`template ${name}: {{${field}}} links into the account; mail to an unconfirmed address may not`);
    slots.push({ key: system ? field.slice(3) : field, system, mode: modeFor(field, source.slice(Math.max(0, m.index - 200), m.index)) });
    last = m.index + m[0].length;
  }
  statics.push(source.slice(last));
  return { statics, slots };
}

function htmlMode(name: string, spec: TemplateSpec) {
  return (field: string, before: string): SlotMode => {
    const isLink = SYSTEM_LINKS.has(field) || spec.fields[field]?.type === 'url';
    if (IN_HREF.test(before)) {
      // Only values checked as https (or this service's) URLs may become a link target.
      if (!isLink) throw new Error(`template ${name}: {{${field}}} is used as a link but is not a url field`);
      return 'href';
    }
    return spec.fields[field]?.type === 'text' ? 'html-lines' : 'html';
  };
}

// MJML's output is indented for people; a line break is whitespace enough for HTML (none of our
// templates has <pre>), and smaller mail stays clear of Gmail's 102 KB clipping.
function trimIndentation(html: string): string {
  return html.replace(/\n[ \t]+/g, '\n').replace(/\n{2,}/g, '\n');
}

export async function compileTemplate(name: string, spec: TemplateSpec, src: TemplateSources): Promise<CompiledTemplate> {
  const source = src.layout.replace('{{> content}}', () => src.body).replace('{{> footer}}', () => src.footer);
  mjml ??= import('mjml');
  const { default: mjml2html } = await mjml;
  const out = await mjml2html(source, { validationLevel: 'strict', keepComments: false });
  if (out.errors.length > 0) throw new Error(`template ${name}: ${out.errors[0]!.formattedMessage}`);
  return {
    subject: split(name, spec.subject, spec, () => 'header'),
    html: split(name, trimIndentation(out.html), spec, htmlMode(name, spec)),
    text: split(name, `${src.textBody.trimEnd()}\n${src.textFooter}`, spec, () => 'raw'),
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

const NEEDS_ESCAPE = /[&<>"']/;

function write(mode: SlotMode, value: string): string {
  switch (mode) {
    case 'html':
    case 'href':
      return NEEDS_ESCAPE.test(value) ? escapeHtml(value) : value;
    case 'html-lines':
      return escapeHtml(value).replace(/\r?\n/g, '<br />');
    case 'raw':
      return value;
    case 'header':
      // No value may end a header line early (RFC 5322 §2.2: CR and LF only as the line ending).
      return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/gu, ' ');
  }
}

/** The per-recipient step: one linear pass, no parsing. */
export function fill(compiled: Compiled, data: Readonly<Record<string, string>>, system: Readonly<Partial<SystemValues>>): string {
  let out = compiled.statics[0]!;
  for (let i = 0; i < compiled.slots.length; i++) {
    const slot = compiled.slots[i]!;
    const value = slot.system ? system[slot.key as keyof SystemValues] : data[slot.key];
    out += write(slot.mode, value ?? '') + compiled.statics[i + 1]!;
  }
  return out;
}
