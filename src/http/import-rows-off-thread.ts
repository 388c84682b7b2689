// An import body read on another thread (import-parse-worker.ts): CSV parsing and the field checks
// were a quarter of an import's CPU on the one thread that also writes the rows (docs/performance.md
// "The import on two threads"). One reader thread per process, started at the first import and kept; each import talks
// to it over its own channel. The rows come back in order, a batch at a time, at most two batches ahead.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { changeSignal } from '../core/change-signal.js';
import type { ParsedRow } from '../domain/imports/import-row.js';
import type { ImportFormat, ToReader, ToWorker } from './import-parse-protocol.js';

/** Rows per message: about one transaction of the import (run-import.ts). */
const BATCH_ROWS = 1000;
/** Body bytes sent before the parser has taken them: a few batches' worth, since network chunks can be
 * a few KB each and this thread sends more only between the statements of the batch it is writing. */
const BYTES_AHEAD = 1 << 20;

let shared: Worker | undefined;

function readerThread(): Worker {
  if (shared) return shared;
  const worker = import.meta.url.endsWith('.ts') ? sourceWorker() : new Worker(new URL('./import-parse-worker.js', import.meta.url));
  // Idle, it must not keep a CLI or a test process alive; a session's port does while it reads.
  worker.unref();
  const forget = () => {
    if (shared === worker) shared = undefined;
  };
  worker.once('exit', forget);
  worker.once('error', forget);
  shared = worker;
  return worker;
}

// From source (tests, tsx) the worker's TypeScript needs tsx's loader, registered in the worker before
// its entry is imported (a loader given in execArgv is not in place for the entry of a worker).
function sourceWorker(): Worker {
  const api = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const entry = new URL('./import-parse-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(pathToFileURL(api).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(code, { eval: true });
}

/** The rows of a CSV or NDJSON body, read and checked on the reader thread. */
export async function* importRowsOffThread(body: ReadableStream<Uint8Array>, format: ImportFormat): AsyncGenerator<ParsedRow> {
  const worker = readerThread();
  const { port1, port2 } = new MessageChannel();
  const send = (m: ToWorker) => port1.postMessage(m);
  const reader = body.getReader();
  const batches: ParsedRow[][] = [];
  let finished = false;
  let failure: Error | undefined;
  const changed = changeSignal();
  // The body is sent up to BYTES_AHEAD ahead of the parser, so it has input while this thread is busy
  // writing a batch; each chunk it takes lets more go (memory: BYTES_AHEAD and one chunk).
  const inFlight: number[] = [];
  let bytesInFlight = 0;
  let reading = false;
  let bodyDone = false;
  const pump = async () => {
    if (reading) return;
    reading = true;
    try {
      while (bytesInFlight < BYTES_AHEAD && !bodyDone && !failure) {
        const { done, value } = await reader.read();
        if (done) {
          bodyDone = true;
          send({ kind: 'end' });
        } else {
          inFlight.push(value.byteLength);
          bytesInFlight += value.byteLength;
          send({ kind: 'chunk', chunk: value });
        }
      }
    } catch (err) {
      // The client went away or the body broke: as when reading in-thread, the import stops here.
      failure ??= err instanceof Error ? err : new Error(String(err));
      send({ kind: 'cancel' });
      changed.poke();
    } finally {
      reading = false;
    }
  };
  port1.on('message', (m: ToReader) => {
    if (m.kind === 'taken') {
      bytesInFlight -= inFlight.shift() ?? 0;
      void pump();
    } else if (m.kind === 'rows') batches.push(m.rows);
    else if (m.kind === 'done') finished = true;
    else failure ??= new Error(`the import reader failed: ${m.message}`);
    changed.poke();
  });
  const died = () => {
    if (!finished) failure ??= new Error('the import reader thread stopped');
    changed.poke();
  };
  worker.once('exit', died);
  // The reader thread's end of the channel went away without a word (the thread failed).
  port1.once('close', died);
  worker.postMessage({ port: port2, format, batchRows: BATCH_ROWS }, [port2]);
  send({ kind: 'more' });
  send({ kind: 'more' });
  void pump();
  try {
    for (;;) {
      const batch = batches.shift();
      if (batch) {
        send({ kind: 'more' });
        yield* batch;
      } else if (failure) throw failure;
      else if (finished) return;
      else await changed.wait();
    }
  } finally {
    worker.off('exit', died);
    port1.close();
    // Stopped early (the client went away, the import failed): the rest of the body is not read.
    if (!finished) reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
}
