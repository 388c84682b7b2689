// The templates in one folder, each compiled once and kept. In development (`watch`), a template is
// compiled again when one of its files changes, so an edit shows at the next send or preview.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { type CompiledTemplate, compileTemplate } from './compile.js';
import { dataSchema, parseTemplateSpec, type TemplateSpec } from './template-spec.js';

export interface Template {
  name: string;
  spec: TemplateSpec;
  schema: z.ZodType<Record<string, string>>;
  compiled: CompiledTemplate;
}

export interface TemplateStore {
  names(): string[];
  /** The compiled template; 422 naming `template` when there is none by that name. */
  get(name: string): Promise<Template>;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SHARED = new Set(['layout', 'footer-marketing', 'footer-transactional', 'footer-unconfirmed']);

/** The footer partial: mail to an unconfirmed address gets one without account links. */
const footerOf = (spec: TemplateSpec) => (spec.unconfirmedAddress ? 'footer-unconfirmed' : `footer-${spec.kind}`);

function filesOf(dir: string, name: string, footer: string): string[] {
  return [`${name}.json`, `${name}.mjml`, `${name}.txt`, 'layout.mjml', `${footer}.mjml`, `${footer}.txt`].map((f) => join(dir, f));
}

export function createTemplateStore(options: { dir: string; publicUrl: string; watch: boolean }): TemplateStore {
  const { dir, publicUrl, watch } = options;
  const cache = new Map<string, { stamp: string; template: Promise<Template> }>();
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .filter((n) => NAME.test(n) && !SHARED.has(n))
    .sort();

  const stampOf = (name: string): string => {
    if (!watch) return '';
    const footer = footerOf(parseTemplateSpec(name, readFileSync(join(dir, `${name}.json`), 'utf8')));
    return filesOf(dir, name, footer)
      .map((f) => statSync(f).mtimeMs)
      .join(',');
  };

  const load = async (name: string): Promise<Template> => {
    const read = (file: string) => readFileSync(join(dir, file), 'utf8');
    const spec = parseTemplateSpec(name, read(`${name}.json`));
    const footer = footerOf(spec);
    const compiled = await compileTemplate(name, spec, {
      layout: read('layout.mjml'),
      footer: read(`${footer}.mjml`),
      body: read(`${name}.mjml`),
      textBody: read(`${name}.txt`),
      textFooter: read(`${footer}.txt`),
    });
    return { name, spec, schema: dataSchema(spec, publicUrl), compiled };
  };

  return {
    names: () => [...names],
    get: async (name) => {
      // The name is checked against the folder's listing before any path is built from it.
      if (!names.includes(name))
        throw new AppError('invalid_field', `template: no template is named "${name.slice(0, 64)}"`, {
          errors: [{ path: 'template', message: 'unknown template' }],
        });
      const stamp = stampOf(name);
      const hit = cache.get(name);
      if (hit && hit.stamp === stamp) return hit.template;
      const template = load(name);
      cache.set(name, { stamp, template });
      template.catch(() => cache.delete(name));
      return template;
    },
  };
}
