// Input fields shared by the API's route groups. Text that is stored or echoed must be well-formed
// UTF-8 without NUL (PostgreSQL refuses both); single-line fields refuse every control character,
// since CR/LF in a value that may reach a mail header or a log line is an injection (RFC 5322 §2.2).
import { z } from 'zod';
import { checkEmail } from '../core/email.js';
import { invalidField } from '../core/errors.js';
import { UUID_PATTERN } from '../core/ids.js';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// U+2028 and U+2029 break a line as surely as LF in a mail header or a script; templates refuse them too.
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/;
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** One line of text: no control characters or line separators, no lone surrogates. */
export const line = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters (CR, LF, NUL…)')
    .refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed Unicode');

/** Free text that may span lines (the consent wording shown, a note). */
export const prose = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !CONTROL_BUT_LINE_BREAKS.test(s), 'must not contain control characters other than line breaks')
    .refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed Unicode');

/** An address by the one rule of src/core/email.ts; the message says what is wrong with it. */
export const email = z
  .string()
  .max(1000)
  .superRefine((value, ctx) => {
    const checked = checkEmail(value);
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: `not a valid email address: it ${checked.reason}` });
  });

export const categoryKey = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, _ and -, at most 64, starting with a letter or digit');

// Resend keeps idempotency keys of at most 256 characters; ours are prefixed with the API key id.
export const idempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** The key given in the body, else in the `Idempotency-Key` header; a bad header is refused either way. */
export function idempotencyKeyOf(fromBody: string | undefined, header: string | undefined): string | undefined {
  if (header !== undefined && !idempotencyKey.safeParse(header).success) throw invalidField('Idempotency-Key', 'at most 200 printable ASCII characters');
  return fromBody ?? header;
}

export const uuid = z.string().regex(UUID_PATTERN, 'not an id');

/** Paging query `?after=CURSOR&limit=N`: limit defaults to 100 and is at most 1000. */
export const pageQuery = (cursor: z.ZodString) =>
  z.object({
    after: cursor.optional(),
    limit: z
      .string()
      .regex(/^[0-9]{1,4}$/, 'a whole number from 1 to 1000')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 1000, 'a whole number from 1 to 1000')
      .default(100),
  });
