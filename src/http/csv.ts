// CSV answers (RFC 4180) for list endpoints asked with `Accept: text/csv`, streamed row by row so an
// export of any size holds one page in memory. Cells a spreadsheet would run as a formula are prefixed
// with a quote (OWASP "CSV Injection"): an address or note can begin with `=`, `+`, `-` or `@`.
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import type { AppEnv } from './env.js';

export type Cell = string | number | boolean | null | undefined;

const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (cells: readonly Cell[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** True when the client asked for CSV rather than JSON. */
export function wantsCsv(c: Context<AppEnv>): boolean {
  return /(^|,)\s*text\/csv\b/i.test(c.req.header('accept') ?? '');
}

/** Streams a header line and then one line per row. */
export function csvResponse(c: Context<AppEnv>, name: string, header: readonly string[], rows: AsyncIterable<readonly Cell[]>): Response {
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${name}.csv"`);
  return stream(c, async (s) => {
    await s.write(csvLine(header));
    let chunk = '';
    for await (const row of rows) {
      chunk += csvLine(row);
      if (chunk.length >= 64 * 1024) {
        await s.write(chunk);
        chunk = '';
      }
    }
    if (chunk) await s.write(chunk);
  });
}
