// Line splitting for the streaming eligibility body, with chunk boundaries in awkward places.
import { describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, type NdjsonLine, ndjsonLines } from '../../src/http/ndjson-lines.js';

function streamOf(chunks: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      c.close();
    },
  });
}

async function linesOf(chunks: Array<string | Uint8Array>): Promise<NdjsonLine[]> {
  const out: NdjsonLine[] = [];
  for await (const batch of ndjsonLines(streamOf(chunks))) out.push(...batch);
  return out;
}

describe('ndjsonLines', () => {
  it('numbers every physical line, skips blank ones and keeps a last line without newline', async () => {
    expect(await linesOf(['a\n\n  \nb\r\n', 'c'])).toEqual([
      { n: 1, text: 'a' },
      { n: 4, text: 'b' },
      { n: 5, text: 'c' },
    ]);
  });

  it('joins lines, CRLFs and UTF-8 characters split across chunks', async () => {
    const bytes = new TextEncoder().encode('"é@x.test"\r\n"ü@y.test"\n');
    const split = [bytes.slice(0, 2), bytes.slice(2, 11), bytes.slice(11, 13), bytes.slice(13)];
    expect(await linesOf(split)).toEqual([
      { n: 1, text: '"é@x.test"' },
      { n: 2, text: '"ü@y.test"' },
    ]);
  });

  it('accepts a line of exactly the bound, with or without CR, and refuses one more', async () => {
    const max = 'x'.repeat(MAX_LINE_CHARS);
    expect(await linesOf([`${max}\n${max}\r\n${max}y\n`])).toEqual([
      { n: 1, text: max },
      { n: 2, text: max },
      { n: 3, tooLong: true },
    ]);
  });

  it('reports a line longer than the bound once, across any number of chunks, and carries on', async () => {
    const chunks = ['"ok"\n"', ...Array.from({ length: 50 }, () => 'z'.repeat(700)), '"\n"next"\n', 'z'.repeat(5000)];
    expect(await linesOf(chunks)).toEqual([
      { n: 1, text: '"ok"' },
      { n: 2, tooLong: true },
      { n: 3, text: '"next"' },
      { n: 4, tooLong: true },
    ]);
  });

  it('cancels the body when the reader stops early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new TextEncoder().encode('"a@b.test"\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const batch of ndjsonLines(body)) {
      expect(batch[0]).toEqual({ n: 1, text: '"a@b.test"' });
      break;
    }
    expect(cancelled).toBe(true);
  });
});
