// POST /v1/eligibility as NDJSON: `{"category": KEY}` on the first line, then one address per line (a
// JSON string or `{"email": …}`); the answer streams back one line per input line, in order. The body
// is read as it arrives and the answer is produced only as fast as the client reads it (a pull
// stream), so neither side's size grows memory. A line that cannot be read answers
// `{"line": N, "error": …}` in its place and the rest carries on: one bad row in a million-row export
// should not cost the other rows. A bad first line is a 4xx before any answer starts.
import type { Context } from 'hono';
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import type { Category } from '../core/vocabulary.js';
import { checkEligibilityStream, type Decided } from '../domain/eligibility/check-eligibility-stream.js';
import { getCategoryCached } from '../domain/recipients/category-cache.js';
import { validate } from './body.js';
import type { AppEnv } from './env.js';
import { MAX_LINE_CHARS, type NdjsonLine, ndjsonLines } from './ndjson-lines.js';

const Header = z.strictObject({ category: z.string().min(1).max(64) });

type Item = { n: number; email: string } | { n: number; error: string };

const NOT_AN_ADDRESS = 'expected a JSON string or {"email": "…"}';
const TOO_LONG = `line longer than ${MAX_LINE_CHARS} characters`;
/** The in-band endings of an answer that is not whole (docs/api.md, "POST /v1/eligibility"). */
export const FAILED_LINE = '{"error":"internal error: the answer is incomplete"}\n';
export const STOPPING_LINE = '{"error":"the server is stopping: the answer is incomplete"}\n';

export async function streamEligibility(c: Context<AppEnv>): Promise<Response> {
  const { db, config } = c.var.deps;
  const body = c.req.raw.body;
  if (!body) throw new AppError('malformed_body', 'The body is empty; the first line must be {"category": KEY}.');
  const lines = ndjsonLines(body);
  const { category, rest } = await readHead(c, lines).catch(async (err: unknown) => {
    await lines.return(undefined);
    throw err;
  });

  const decided = checkEligibilityStream(db, config.hashKey, category, prepend(rest.map(toItem), lines), emailOf, c.get('telemetry'));
  const logger = c.get('logger');
  const requestId = c.get('requestId');
  const encoder = new TextEncoder();
  const cut = c.var.deps.lifecycle?.cut;
  let ended = false;
  let onCut: (() => void) | undefined;
  const end = (controller: ReadableStreamDefaultController<Uint8Array>, line?: string) => {
    if (ended) return;
    ended = true;
    if (onCut) cut?.removeEventListener('abort', onCut);
    if (line) controller.enqueue(encoder.encode(line));
    controller.close();
  };
  // highWaterMark 1: at most one decided chunk waits for a slow client; the next is made on demand.
  const out = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // The server is stopping and its grace is nearly over: end with the line that says the answer
        // was cut (docs/api.md), never as if it were whole.
        onCut = () => {
          end(controller, STOPPING_LINE);
          decided.return(undefined).catch(() => undefined);
        };
        if (cut?.aborted) onCut();
        else cut?.addEventListener('abort', onCut, { once: true });
      },
      async pull(controller) {
        try {
          const next = await decided.next();
          if (ended) return;
          if (next.done) end(controller);
          else controller.enqueue(encoder.encode(encodeChunk(next.value)));
        } catch (err) {
          if (ended) return;
          // Headers are gone; say so in-band rather than end as if the answer were whole.
          logger.error({ event: 'eligibility_stream_failed', requestId, errorName: err instanceof Error ? err.name : typeof err });
          end(controller, FAILED_LINE);
        }
      },
      async cancel() {
        ended = true;
        if (onCut) cut?.removeEventListener('abort', onCut);
        await decided.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
  return c.body(out, 200, { 'Content-Type': 'application/x-ndjson; charset=utf-8' });
}

// The category named by the first line, and whatever other lines came in the same batch.
async function readHead(c: Context<AppEnv>, lines: AsyncGenerator<NdjsonLine[]>): Promise<{ category: Category; rest: NdjsonLine[] }> {
  const first = await lines.next();
  const [head, ...rest] = first.done ? [] : first.value;
  return { category: await getCategoryCached(c.var.deps.db, c.var.deps.categoryCache, readHeader(head).category), rest };
}

function readHeader(line: NdjsonLine | undefined): z.infer<typeof Header> {
  if (!line) throw new AppError('malformed_body', 'The body is empty; the first line must be {"category": KEY}.');
  if ('tooLong' in line) throw new AppError('malformed_body', `The first line is ${TOO_LONG}.`);
  return validate(Header, parseLine(line.text, 'The first line is not valid JSON; it must be {"category": KEY}.'));
}

function parseLine(text: string, complaint: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('malformed_body', complaint);
  }
}

async function* prepend(first: Item[], lines: AsyncIterable<NdjsonLine[]>): AsyncGenerator<Item[]> {
  if (first.length > 0) yield first;
  for await (const batch of lines) yield batch.map(toItem);
}

function toItem(line: NdjsonLine): Item {
  if ('tooLong' in line) return { n: line.n, error: TOO_LONG };
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch {
    return { n: line.n, error: 'not valid JSON' };
  }
  if (typeof value === 'string') return { n: line.n, email: value };
  const email = (value as { email?: unknown } | null)?.email;
  if (typeof email === 'string') return { n: line.n, email };
  return { n: line.n, error: NOT_AN_ADDRESS };
}

const emailOf = (item: Item) => ('email' in item ? item.email : null);

function encodeChunk(chunk: Decided<Item>[]): string {
  let out = '';
  for (const [item, answer] of chunk) {
    if ('error' in item) out += `{"line":${item.n},"error":${JSON.stringify(item.error)}}\n`;
    else out += `{"email":${JSON.stringify(item.email)},"eligible":${answer!.eligible},"reason":"${answer!.reason}"}\n`;
  }
  return out;
}
