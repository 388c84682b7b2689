// Reading NDJSON (https://github.com/ndjson/ndjson-spec) from a byte stream as it arrives, so an
// unbounded body costs constant memory: one chunk of the network stream plus at most one line.

/** One physical line: its 1-based number and its text, or the fact that it was too long to read. */
export type NdjsonLine = { n: number; text: string } | { n: number; tooLong: true };

/** Whether a request's Content-Type announces NDJSON (the streaming eligibility body). */
export const isNdjson = (contentType: string | undefined): boolean => /^application\/x-ndjson\b/i.test(contentType ?? '');

/** Lines beyond this many characters are reported and skipped, never buffered. */
export const MAX_LINE_CHARS = 1024;

/**
 * Yields the non-blank lines of the stream, without their `\n` or `\r\n`, a batch per network chunk
 * (one await per chunk rather than per line keeps a million-line body cheap). Bytes are decoded as
 * UTF-8, invalid sequences becoming U+FFFD. A line longer than MAX_LINE_CHARS yields `tooLong` and the
 * rest of it is discarded up to the next newline (`maxChars` overrides the limit).
 */
export async function* ndjsonLines(body: ReadableStream<Uint8Array>, maxChars: number = MAX_LINE_CHARS): AsyncGenerator<NdjsonLine[]> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let pending = '';
  let n = 0;
  let discarding = false;
  let ended = false;
  try {
    while (!ended) {
      const { done, value } = await reader.read();
      ended = done;
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      const batch: NdjsonLine[] = [];
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        n++;
        if (!discarding) push(batch, n, pending === '' ? text.slice(start, nl) : pending + text.slice(start, nl), maxChars);
        discarding = false;
        pending = '';
        start = nl + 1;
      }
      if (!discarding) {
        pending += text.slice(start);
        // +1: a CRLF line may carry its `\r` until the `\n` arrives.
        if (pending.length > maxChars + 1) {
          batch.push({ n: n + 1, tooLong: true });
          pending = '';
          discarding = true;
        }
      }
      if (done && !discarding) push(batch, n + 1, pending, maxChars);
      if (batch.length > 0) yield batch;
    }
  } finally {
    // Stopped early (the client went away, or the caller gave up): stop reading the request too.
    if (!ended) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

function push(batch: NdjsonLine[], n: number, raw: string, maxChars: number): void {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.length > maxChars) batch.push({ n, tooLong: true });
  else if (line.trim() !== '') batch.push({ n, text: line });
}
