// One mailprefs "instance" for the concurrent-writers test: its own database handle (its own pg pool,
// or its own SQLite connection in its own process), appending consent events as fast as it can.
// Usage: ledger-writer.ts DATABASE_URL START_AT_MS COUNT TAG
import { openDatabase } from '../../src/db/database.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';

const [url, startAt, count, tag] = process.argv.slice(2);
const handle = openDatabase(url!);
// Start together with the other instances, so that their appends really overlap (bounded wait).
await new Promise((r) => setTimeout(r, Math.min(10_000, Math.max(0, Number(startAt) - Date.now()))));
const ctx = { source: 'api' as const, actor: `key:${tag}` };
const results = await Promise.allSettled(
  Array.from({ length: Number(count) }, (_, i) =>
    upsertRecipient(handle.db, process.env.HASH_KEY!, { email: `w-${tag}-${i}@example.test`, subscriptions: { news: 'subscribed' } }, ctx),
  ),
);
const failed = results.filter((r) => r.status === 'rejected');
for (const f of failed.slice(0, 3)) console.error((f.reason as { code?: string; message?: string }).code ?? (f.reason as Error).message);
await handle.close();
console.log(`${results.length - failed.length} written`);
process.exit(failed.length === 0 ? 0 : 1);
