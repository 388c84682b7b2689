// One mailprefs "instance" for the concurrent-writers test: its own database handle (its own pg pool,
// or its own SQLite connection in its own process), appending consent events as fast as it can.
// Usage: ledger-writer.ts DATABASE_URL COUNT TAG. It says "ready" once connected, then waits for "go"
// on stdin, so that all instances start appending together (a barrier, not a clock).
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';

const [url, count, tag] = process.argv.slice(2);
const handle = openDatabase(url!);
await sql`select 1`.execute(handle.db);
console.log('ready');
const go = await new Promise<boolean>((resolve) => {
  process.stdin.on('data', (b: Buffer) => b.toString().includes('go') && resolve(true));
  process.stdin.on('end', () => resolve(false));
});
if (!go) {
  console.error('stdin closed before "go"');
  process.exit(1);
}
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
