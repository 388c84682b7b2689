// One email for one recipient: the template's data, the footer's links and the organisation's details
// substituted into the compiled template. Headers come from linksFor alone (RFC 8058 for marketing).
import type { Config } from '../../config.js';
import type { EmailLinks } from '../links/email-links.js';
import { fill, type SystemValues } from './compile.js';
import type { Template } from './template-store.js';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export interface RenderContext {
  config: Pick<Config, 'orgName' | 'orgPostalAddress'>;
  categoryName: string;
  links: EmailLinks;
}

/** `data` must already be validated against the template's schema. */
export function renderEmail(template: Template, data: Readonly<Record<string, string>>, ctx: RenderContext): RenderedEmail {
  const system: SystemValues = {
    subject: '',
    orgName: ctx.config.orgName,
    orgPostalAddress: ctx.config.orgPostalAddress,
    categoryName: ctx.categoryName,
    preferencesUrl: ctx.links.preferencesUrl,
    unsubscribeUrl: ctx.links.unsubscribeUrl ?? ctx.links.preferencesUrl,
  };
  system.subject = fill(template.compiled.subject, data, system);
  return {
    subject: system.subject,
    html: fill(template.compiled.html, data, system),
    text: fill(template.compiled.text, data, system),
    headers: { ...ctx.links.headers },
  };
}
