// Concurrent single notices: N callers each POST one receipt at once to the app server (own process),
// which sends through the real Resend SDK to a fake Resend on 127.0.0.1 at Resend's default 2 requests/s.
// The baseline is the provider's own ceiling: RESEND_MAX_RPS calls/s × 100 emails per batch call.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createApiKey } from '../../src/domain/access/api-keys.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { startFakeResend } from '../support/fake-resend.js';

export interface ConcurrentResult {
  callers: number;
  seconds: number;
  sent: number;
  calls: number;
  /** emails/s at the provider's ceiling: rps × 100. */
  ceiling: number;
  /** CPU seconds the app's process spent on the round: what a loaded machine cannot inflate much. */
  serverCpuSeconds: number;
}

// utime + stime of a process, in seconds (proc(5): fields 14 and 15, in clock ticks of 1/100 s).
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const RECEIPT = { orderNumber: 'A-1', amount: '€1.00', date: 'today', items: '1 × mug' };

function post(port: number, agent: Agent, key: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { port, host: '127.0.0.1', method: 'POST', path: '/v1/notices', agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export async function concurrentNotices(sizes: readonly number[], rps = 2): Promise<ConcurrentResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mailprefs-bench-notices-'));
  const url = `file:${join(dir, 'bench.db')}`;
  const fake = await startFakeResend();
  const handle = openDatabase(url);
  await migrateToLatest(handle.db);
  await createCategory(handle.db, { key: 'receipts', name: 'Receipts', kind: 'transactional' });
  const { key } = await createApiKey(handle.db, 'bench', ['notices:send']);
  await handle.close();
  const script = fileURLToPath(new URL('./server.ts', import.meta.url));
  const env = { ...process.env, RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: fake.url, RESEND_MAX_RPS: String(rps) };
  const prof = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', script, 'app', url], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const killer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  try {
    let port = 0;
    for await (const line of createInterface({ input: child.stdout! })) {
      const m = /^listening (\d+)$/.exec(line);
      if (m) {
        port = Number(m[1]);
        break;
      }
    }
    const results: ConcurrentResult[] = [];
    for (const [round, n] of sizes.entries()) {
      const agent = new Agent({ keepAlive: true, maxSockets: n });
      const calls = fake.calls.length;
      const started = performance.now();
      const cpu = cpuSeconds(child.pid!);
      const answers = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          post(port, agent, key, JSON.stringify({ to: `buyer${round}-${i}@example.com`, category: 'receipts', template: 'receipt', data: RECEIPT })),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      agent.destroy();
      const sent = answers.filter((a) => a.status === 202 && a.body.includes('"sent"')).length;
      results.push({ callers: n, seconds, sent, calls: fake.calls.length - calls, ceiling: rps * 100, serverCpuSeconds: cpuSeconds(child.pid!) - cpu });
    }
    return results;
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    clearTimeout(killer);
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
