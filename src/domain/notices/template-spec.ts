// What a template declares in its JSON sidecar: kind, subject line, the data fields it needs and an
// example. The fields become a zod schema, so a send with missing or mistyped data is refused by name.
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { CategoryKind } from '../../core/vocabulary.js';

export type FieldType = 'line' | 'text' | 'url';

export interface FieldSpec {
  type: FieldType;
  max?: number;
  optional?: boolean;
}

export interface TemplateSpec {
  kind: CategoryKind;
  /**
   * Mail to an address that is not (yet) the person's, such as the link confirming a new address: it
   * gets a footer with no link into the person's account, and may not use one (docs/notices.md).
   */
  unconfirmedAddress?: boolean;
  subject: string;
  fields: Record<string, FieldSpec>;
  example: Record<string, string>;
}

const SpecShape = z.strictObject({
  kind: z.enum(['marketing', 'transactional']),
  unconfirmedAddress: z.boolean().optional(),
  subject: z.string().min(1).max(300),
  fields: z.record(
    z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,40}$/),
    z.strictObject({ type: z.enum(['line', 'text', 'url']), max: z.number().int().positive().optional(), optional: z.boolean().optional() }),
  ),
  example: z.record(z.string(), z.string()),
});

export function parseTemplateSpec(name: string, json: string): TemplateSpec {
  const parsed = SpecShape.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`template ${name}: bad sidecar: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

// A line may go into a subject; nothing with a control character may (no header injection, RFC 5322 §2.2).
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/u;
const CONTROL_BUT_NEWLINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u;

/** Only https links go into email, or links to this very service (plain http on a laptop). */
export function isSafeLink(value: string, publicUrl: string): boolean {
  if (/[\s"'<>\\`]/u.test(value) || CONTROL.test(value)) return false;
  if (value.startsWith(`${publicUrl}/`)) return true;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.length > 0;
  } catch {
    return false;
  }
}

function fieldSchema(spec: FieldSpec, publicUrl: string): z.ZodType<string> {
  const max = spec.max ?? (spec.type === 'url' ? 2000 : 1000);
  const base = z.string().max(max);
  if (spec.type === 'url') return base.refine((v) => isSafeLink(v, publicUrl), 'must be an https URL');
  if (spec.type === 'line') return base.refine((v) => !CONTROL.test(v), 'must be one line without control characters');
  return base.refine((v) => !CONTROL_BUT_NEWLINES.test(v), 'must not contain control characters');
}

export function dataSchema(spec: TemplateSpec, publicUrl: string): z.ZodType<Record<string, string>> {
  const shape: Record<string, z.ZodType<string | undefined>> = {};
  for (const [name, field] of Object.entries(spec.fields)) {
    const schema = fieldSchema(field, publicUrl);
    shape[name] = field.optional ? schema.optional() : schema;
  }
  return z.strictObject(shape).transform((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, string>);
}

/** Validates a send's data; the error names every bad field as `data.NAME` (docs/api.md "Notices": 422 naming the field). */
export function validateData(schema: z.ZodType<Record<string, string>>, data: unknown, prefix = 'data'): Record<string, string> {
  const parsed = schema.safeParse(data ?? {});
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => {
    const keys = i.code === 'unrecognized_keys' ? i.keys : [];
    const path = [prefix, ...i.path.map(String), ...keys.slice(0, 1)].join('.');
    const message = i.code === 'invalid_type' && i.input === undefined ? 'is required' : i.message;
    return { path, message };
  });
  const first = errors[0]!;
  throw new AppError('invalid_field', `${first.path}: ${first.message}`, { errors });
}
