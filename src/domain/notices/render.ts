// One email for one recipient: the template's data, the footer's links and the organisation's details
// substituted into the compiled template. Headers come from linksFor alone (RFC 8058 for marketing).
import type { Config } from '../../config.js';
import type { EmailLinks } from '../links.js';
import { fill } from './compile.js';
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
  const values: Record<string, string> = {
    ...data,
    'mp.orgName': ctx.config.orgName,
    'mp.orgPostalAddress': ctx.config.orgPostalAddress,
    'mp.categoryName': ctx.categoryName,
    'mp.preferencesUrl': ctx.links.preferencesUrl,
    'mp.unsubscribeUrl': ctx.links.unsubscribeUrl ?? ctx.links.preferencesUrl,
  };
  const subject = fill(template.compiled.subject, values);
  values['mp.subject'] = subject;
  return {
    subject,
    html: fill(template.compiled.html, values),
    text: fill(template.compiled.text, values),
    headers: { ...ctx.links.headers },
  };
}
