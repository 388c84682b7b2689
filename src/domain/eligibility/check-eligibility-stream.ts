// Eligibility for an unbounded sequence of addresses: items are regrouped ELIGIBILITY_CHUNK at a time
// and each chunk is decided by checkEligibility, so memory stays the same however long the input is.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Telemetry } from '../operations/telemetry.js';
import { type CategoryFacts, checkEligibility, ELIGIBILITY_CHUNK } from './check-eligibility.js';
import type { Eligibility } from './decide-eligibility.js';

/** An item beside the answer for its address, or `null` when the item carried no address to decide. */
export type Decided<T> = [item: T, eligibility: Eligibility | null];

/**
 * Yields the items in input order, one array per chunk of at most ELIGIBILITY_CHUNK, each item beside
 * its answer. Items arrive in batches of any size. `emailOf` picks the address to decide; items for
 * which it gives null (say, lines that could not be read) pass through in place.
 */
export async function* checkEligibilityStream<T>(
  db: Kysely<Database>,
  hashKey: string,
  category: CategoryFacts,
  batches: AsyncIterable<readonly T[]>,
  emailOf: (item: T) => string | null,
  telemetry?: Telemetry,
): AsyncGenerator<Decided<T>[]> {
  let chunk: T[] = [];
  for await (const batch of batches) {
    for (const item of batch) {
      chunk.push(item);
      if (chunk.length === ELIGIBILITY_CHUNK) {
        yield await decideChunk(db, hashKey, category, chunk, emailOf, telemetry);
        chunk = [];
      }
    }
  }
  if (chunk.length > 0) yield await decideChunk(db, hashKey, category, chunk, emailOf, telemetry);
}

async function decideChunk<T>(
  db: Kysely<Database>,
  hashKey: string,
  category: CategoryFacts,
  chunk: readonly T[],
  emailOf: (item: T) => string | null,
  telemetry: Telemetry | undefined,
): Promise<Decided<T>[]> {
  const picked = chunk.map(emailOf);
  const answers = await checkEligibility(
    db,
    hashKey,
    category,
    picked.filter((e): e is string => e !== null),
    telemetry,
  );
  let next = 0;
  return chunk.map((item, i) => [item, picked[i] === null ? null : answers[next++]!]);
}
