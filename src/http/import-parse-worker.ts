// The worker thread that reads import bodies (import-rows-off-thread.ts starts it): the same readers
// as in-thread (import-rows.ts), so the main thread only applies rows to the database while the next
// batch is parsed and checked here, on the other core (docs/performance.md "The import on two threads").
import { type MessagePort, parentPort } from 'node:worker_threads';
import { changeSignal } from '../core/change-signal.js';
import type { ParsedRow } from '../domain/imports/import-row.js';
import type { ImportFormat, ToReader, ToWorker } from './import-parse-protocol.js';
import { csvImportRows, ndjsonImportRows } from './import-rows.js';

parentPort?.on('message', (message: { port: MessagePort; format: ImportFormat; batchRows: number }) => {
  void readSession(message.port, message.format, message.batchRows);
});

async function readSession(port: MessagePort, format: ImportFormat, batchRows: number): Promise<void> {
  const post = (m: ToReader) => port.postMessage(m);
  // The body's reader and the batch sender both wait on it.
  const changed = changeSignal();
  // Chunks the main thread sends ahead of the parser; each one taken is acknowledged, so it sends another.
  const chunks: Uint8Array[] = [];
  let ended = false;
  let cancelled = false;
  // Batches the main thread will take: it grants one for each it takes, so at most two wait for it.
  let credit = 0;
  port.on('message', (m: ToWorker) => {
    if (m.kind === 'chunk') chunks.push(m.chunk);
    else if (m.kind === 'end') ended = true;
    else if (m.kind === 'more') credit += 1;
    else cancelled = true;
    changed.poke();
  });
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (chunks.length === 0 && !ended && !cancelled) await changed.wait();
      const chunk = cancelled ? undefined : chunks.shift();
      if (!chunk) return controller.close();
      post({ kind: 'taken' });
      controller.enqueue(chunk);
    },
  });
  let batch: ParsedRow[] = [];
  const send = async () => {
    while (credit === 0 && !cancelled) await changed.wait();
    credit -= 1;
    post({ kind: 'rows', rows: batch });
    batch = [];
  };
  try {
    for await (const row of format === 'csv' ? csvImportRows(body) : ndjsonImportRows(body)) {
      if (cancelled) break;
      batch.push(row);
      if (batch.length >= batchRows) await send();
    }
    if (!cancelled && batch.length) await send();
    if (!cancelled) post({ kind: 'done' });
  } catch (err) {
    post({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
  } finally {
    port.close();
  }
}
