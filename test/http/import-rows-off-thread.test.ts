// The import reader thread (src/http/import-rows-off-thread.ts) hands back exactly what the in-thread
// readers give, in order, and stops with the body: a broken body fails the import (applying nothing
// past the break), and an import that stops early cancels the body instead of reading it to the end.
import { describe, expect, it } from 'vitest';
import type { ParsedRow } from '../../src/domain/imports/import-row.js';
import { csvImportRows, ndjsonImportRows } from '../../src/http/import-rows.js';
import { importRowsOffThread } from '../../src/http/import-rows-off-thread.js';

const encoder = new TextEncoder();

/** A body sent in pieces of `size` bytes, so records and UTF-8 sequences are split across chunks. */
function body(text: string, size = 7): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function all(rows: AsyncIterable<ParsedRow>): Promise<ParsedRow[]> {
  const out: ParsedRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

const CSV = [
  '\ufeffemail, externalId ,subscription:news,consentText',
  'a@example.com,x1,subscribed,"Yes, ""please"" — ünïcode"',
  'not-an-address,,subscribed,',
  'b@example.com,,maybe,',
  '"unclosed,quote',
].join('\r\n');

const NDJSON = ['{"email":"a@example.com","subscriptions":{"news":"subscribed"}}', 'nope', '[1]', '', '{"email":"c@example.com","locale":"pt-BR"}'].join('\n');

describe('reading an import on the reader thread', () => {
  it('gives the rows and reasons the in-thread readers give, CSV and NDJSON, across many batches', async () => {
    expect(await all(importRowsOffThread(body(CSV), 'csv'))).toEqual(await all(csvImportRows(body(CSV))));
    expect(await all(importRowsOffThread(body(NDJSON), 'ndjson'))).toEqual(await all(ndjsonImportRows(body(NDJSON))));
    const many = `email,subscription:news\n${Array.from({ length: 4321 }, (_, i) => `p${i}@example.com,${i % 1000 === 7 ? 'bad' : 'subscribed'}`).join('\n')}`;
    const rows = await all(importRowsOffThread(body(many, 4096), 'csv'));
    expect(rows).toHaveLength(4321);
    expect(rows.map((r) => r.ok)).toEqual(await all(csvImportRows(body(many, 4096))).then((r) => r.map((x) => x.ok)));
    expect(rows.filter((r) => !r.ok).map((r) => r.line)).toEqual([9, 1009, 2009, 3009, 4009]);
  });

  it('fails when the body breaks, taking no row past the break, and reads the next import normally', async () => {
    let sent = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ === 0) c.enqueue(encoder.encode(`email\n${Array.from({ length: 1500 }, (_, i) => `q${i}@example.com`).join('\n')}\n`));
        else c.error(new Error('connection reset'));
      },
    });
    const seen: ParsedRow[] = [];
    await expect(
      (async () => {
        for await (const r of importRowsOffThread(broken, 'csv')) seen.push(r);
      })(),
    ).rejects.toThrow('connection reset');
    // Rows read before the break may come first; none after it, and never a truncated record as a row.
    expect(seen.length).toBeLessThanOrEqual(1500);
    expect(seen.every((r) => r.ok)).toBe(true);
    expect(await all(importRowsOffThread(body('email\nz@example.com\n'), 'csv'))).toEqual([
      { ok: true, row: { line: 2, email: 'z@example.com', subscriptions: {} } },
    ]);
  });

  it('cancels the body when the import stops taking rows, having read a bounded amount ahead', async () => {
    let pulls = 0;
    let bytes = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(encoder.encode('email\n')),
      pull(c) {
        pulls++;
        const chunk = encoder.encode(`${Array.from({ length: 200 }, (_, i) => `r${pulls}-${i}@example.com`).join('\n')}\n`);
        bytes += chunk.byteLength;
        c.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    let taken = 0;
    for await (const _ of importRowsOffThread(endless, 'csv')) if (++taken === 10) break;
    await expect.poll(() => cancelled).toBe(true);
    const after = pulls;
    await new Promise((r) => setTimeout(r, 100));
    expect(pulls).toBe(after);
    // Ahead of the import: 1 MB of body in flight, two batches waiting and one being read; never the endless body.
    expect(bytes).toBeLessThan(2 * 2 ** 20);
  });
});
