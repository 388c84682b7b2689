// `npx tsx test/bench/profile.ts single|bulk [FILE]`: the app server of `npm run bench`, CPU-profiled
// while one workload drives it, then a summary of where its time went. Not a test; bounded in time
// like run.ts. The raw profile stays in FILE (.cpuprofile: Chrome DevTools opens it).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ndjsonOverHttp } from './bulk.js';
import { load } from './load.js';
import { summarizeProfile } from './profile-summary.js';
import { seedDatabase } from './seed.js';

const workload = process.argv[2] === 'bulk' ? 'bulk' : 'single';
const file = process.argv[3] ?? join(mkdtempSync(join(tmpdir(), 'mailprefs-prof-')), `${workload}.cpuprofile`);
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 1_000_000);

async function main() {
  const seeded = await seedDatabase(RECIPIENTS);
  const script = fileURLToPath(new URL('./server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, 'app', seeded.url, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  let port = 0;
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^listening (\d+)$/.exec(line);
    if (match) {
      port = Number(match[1]);
      break;
    }
  }
  try {
    if (workload === 'single') {
      const requests = Array.from(
        { length: 1000 },
        (_, i) =>
          `GET /v1/eligibility?email=${encodeURIComponent(seeded.emails[(i * 7919) % RECIPIENTS]!)}&category=news HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${seeded.key}\r\n\r\n`,
      );
      const r = await load(port, requests, 64, 6);
      console.log(`single GET: ${Math.round(r.requests / r.seconds)} req/s, ${r.failures} failures`);
    } else {
      for (let round = 0; round < 2; round++) {
        const m = await ndjsonOverHttp(port, seeded.key, 'news', seeded.emails, 120_000);
        console.log(`bulk NDJSON: ${Math.round(m.count / m.seconds)} addr/s`);
      }
    }
  } finally {
    // On SIGTERM server.ts writes the profile, then exits.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    clearTimeout(killer);
    rmSync(seeded.dir, { recursive: true, force: true });
  }
  console.log(`profile: ${file}`);
  console.log(summarizeProfile(file));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
