// The messages between the main thread and the import reader thread (import-parse-worker.ts).
import type { ParsedRow } from '../domain/imports/import-row.js';

export type ImportFormat = 'csv' | 'ndjson';

/** Main → worker: a chunk of the body (a few ahead), the body's end, leave for one more batch, or stop. */
export type ToWorker = { kind: 'chunk'; chunk: Uint8Array } | { kind: 'end' } | { kind: 'more' } | { kind: 'cancel' };

/** Worker → main: a chunk was taken (send another), a batch of read rows, all read, or the reader failed. */
export type ToReader = { kind: 'taken' } | { kind: 'rows'; rows: ParsedRow[] } | { kind: 'done' } | { kind: 'error'; message: string };
