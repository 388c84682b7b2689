// `npx tsx test/bench/request-link.ts`: does `/p` answer a known address as fast as an unknown one?
// Not a test: it asserts nothing, it prints both medians and their difference (docs/performance.md).
// In process on a SQLite file, with the real system mail on the dev outbox: a known address's job
// renders and stores a mail, after the answer. Each sample waits for the queue to empty first, so it
// times one request alone; pairs run in random order so that drift hits both sides alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createMailQueue } from '../../src/domain/notices/mail-queue.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 500);
const WARMUP = 40;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'mailprefs-bench-p-'));
  const config = parseConfig({
    SIGNING_KEYS: 'bench:bench-signing-secret-0123456789abcdef0123',
    HASH_KEY: 'bench-hash-key-0123456789abcdef0123456789',
    PUBLIC_URL: 'https://prefs.example.test',
    ORG_NAME: 'Bench Ltd',
    ORG_POSTAL_ADDRESS: '1 Bench Street',
    DATABASE_URL: `file:${join(dir, 'bench.db')}`,
  });
  const handle = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(handle.db);
    const total = SAMPLES + WARMUP;
    for (let i = 0; i < total; i++) {
      await upsertRecipient(handle.db, config.hashKey, { email: `known${i}@example.com` }, { source: 'api', actor: 'system' });
    }
    const queue = createMailQueue();
    const app = createApp({ config, db: handle.db, mailQueue: queue });
    let ip = 0;
    // Each address once and each request from its own IP: the per-address and per-IP limits never bite.
    const ask = async (email: string) => {
      await queue.idle();
      ip++;
      const env = { incoming: { socket: { remoteAddress: `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}` } } };
      const start = process.hrtime.bigint();
      const res = await app.request(
        '/p',
        {
          method: 'POST',
          body: new URLSearchParams({ email }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: config.publicUrl },
        },
        env,
      );
      await res.text();
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (res.status !== 200) throw new Error(`/p answered ${res.status}`);
      return ms;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    const pairDiffs: number[] = [];
    for (let i = 0; i < total; i++) {
      const pair: [string, number[]][] = [
        [`known${i}@example.com`, known],
        [`nobody${i}@example.com`, unknown],
      ];
      if (Math.random() < 0.5) pair.reverse();
      for (const [email, into] of pair) {
        const ms = await ask(email);
        if (i >= WARMUP) into.push(ms);
      }
      if (i >= WARMUP) pairDiffs.push(known.at(-1)! - unknown.at(-1)!);
    }
    await queue.idle();
    const mailed = await handle.db
      .selectFrom('notices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const k = median(known);
    const u = median(unknown);
    console.log(`/p on SQLite, ${SAMPLES} samples each (after ${WARMUP} warm-up pairs); ${Number(mailed.n)} mails queued and sent after the answers`);
    console.log(`  known address    median ${k.toFixed(3)} ms`);
    console.log(`  unknown address  median ${u.toFixed(3)} ms`);
    console.log(`  difference (known − unknown) ${(k - u).toFixed(3)} ms (${((100 * (k - u)) / u).toFixed(1)} %)`);
    // Each pair ran back to back, so its difference is free of the machine's drift between pairs.
    console.log(`  median of the ${pairDiffs.length} paired differences ${median(pairDiffs).toFixed(3)} ms`);
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
