// Reading a JSON body: content type, size and shape checked before any handler sees it.
import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../core/errors.js';
import { assertPlainInput } from './json-shape.js';

export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    throw new AppError('malformed_body', 'The body is not valid JSON.');
  }
  return validate(schema, raw);
}

export function validate<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  assertPlainInput(raw);
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
  const first = errors[0]!;
  throw new AppError('invalid_field', `${first.path}: ${first.message}`, { errors });
}
