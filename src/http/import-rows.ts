// Reading an import body as it arrives (CSV through csv-parse, NDJSON line by line) into rows checked
// field by field. Unbounded input at constant memory: a record or line is capped, never buffered whole.
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { z } from 'zod';
import type { ImportRow, ParsedRow } from '../domain/imports/import-row.js';
import { categoryKey, line, prose } from './fields.js';
import { ndjsonLines } from './ndjson-lines.js';

/** The longest record or line read; consent wording of 5,000 characters fits with room. */
export const MAX_ROW_CHARS = 16 * 1024;

const Row = z.object({
  email: z.string().max(320),
  externalId: line(255).min(1).optional(),
  locale: z
    .string()
    .max(35)
    .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'a BCP 47 language tag such as "en" or "pt-BR"')
    .optional(),
  subscriptions: z
    .record(categoryKey, z.enum(['subscribed', 'unsubscribed']))
    .refine((v) => !Object.hasOwn(v, '__proto__'), '"__proto__" is not a category key')
    .default({}),
  consentedAt: z.iso.datetime({ offset: true }).optional(),
  consentSource: line(200).optional(),
  ip: line(64)
    .refine((s) => isIP(s) !== 0, 'an IPv4 or IPv6 address')
    .optional(),
  userAgent: line(512).optional(),
  consentText: prose(5000).optional(),
});

function checkRow(lineNo: number, raw: unknown): ParsedRow {
  const parsed = Row.safeParse(raw);
  if (parsed.success) return { ok: true, row: { line: lineNo, ...parsed.data } as ImportRow };
  const issue = parsed.error.issues[0]!;
  return { ok: false, line: lineNo, reason: `${issue.path.map(String).join('.') || '(row)'}: ${issue.message}` };
}

const FIELDS = new Set(['email', 'externalId', 'locale', 'consentedAt', 'consentSource', 'ip', 'userAgent', 'consentText']);

// A CSV record as the row object: empty cells are absent, `subscription:KEY` columns gather into
// `subscriptions`, and other columns (an export's id, createdAt…) are ignored, so an export goes back in.
function fromCsvRecord(record: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const subscriptions: Record<string, string> = {};
  for (const [column, value] of Object.entries(record)) {
    if (value === '' || value === undefined) continue;
    if (column.startsWith('subscription:')) subscriptions[column.slice('subscription:'.length)] = value;
    else if (FIELDS.has(column)) out[column] = value;
  }
  out.subscriptions = subscriptions;
  return out;
}

const lineOf = (err: CsvError | undefined): number => (typeof err?.lines === 'number' ? err.lines : 0);

export async function* csvImportRows(body: ReadableStream<Uint8Array>): AsyncGenerator<ParsedRow> {
  const skipped: ParsedRow[] = [];
  const parser = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>).pipe(
    parse({
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim()),
      info: true,
      skip_empty_lines: true,
      max_record_size: MAX_ROW_CHARS,
      skip_records_with_error: true,
      on_skip: (err) => {
        skipped.push({ ok: false, line: lineOf(err), reason: `not a valid CSV record${err ? ` (${err.code})` : ''}` });
        return undefined;
      },
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      while (skipped.length) yield skipped.shift()!;
      yield checkRow(info.lines, fromCsvRecord(record));
    }
  } catch (err) {
    // A broken header or an unclosed quote at the end: nothing after it can be read.
    if (!(err instanceof CsvError)) throw err;
    skipped.push({ ok: false, line: lineOf(err), reason: `the CSV cannot be read past here (${err.code})` });
  }
  while (skipped.length) yield skipped.shift()!;
}

export async function* ndjsonImportRows(body: ReadableStream<Uint8Array>): AsyncGenerator<ParsedRow> {
  for await (const batch of ndjsonLines(body, MAX_ROW_CHARS)) {
    for (const l of batch) {
      if ('tooLong' in l) {
        yield { ok: false, line: l.n, reason: `longer than ${MAX_ROW_CHARS} characters` };
        continue;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(l.text);
      } catch {
        yield { ok: false, line: l.n, reason: 'not valid JSON' };
        continue;
      }
      yield typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? checkRow(l.n, raw) : { ok: false, line: l.n, reason: 'not a JSON object' };
    }
  }
}
