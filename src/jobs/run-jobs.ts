// Periodic housekeeping. Every job is safe to run on several instances at once (each change is
// conditional on the state it read), so each server simply runs them all on its own timer.
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { expirePendingSubscriptions } from './expire-pending.js';

interface Job {
  name: string;
  /** Counts of what was done, for the log and `mailprefs jobs run`; never personal data. */
  run(db: Kysely<Database>, config: Config, now: Date): Promise<Record<string, number>>;
}

export const JOBS: readonly Job[] = [
  { name: 'expire-pending', run: async (db, config, now) => ({ expired: await expirePendingSubscriptions(db, config.pendingExpiryDays, now) }) },
  // The notice-log retention job (issue 5) joins here: { name: 'notice-retention', run: … }.
];

export type JobResult = { name: string; ok: true; counts: Record<string, number> } | { name: string; ok: false; error: string };

/** Runs every job once, in order; one failing does not stop the others. */
export async function runJobsOnce(db: Kysely<Database>, config: Config, now: Date = new Date()): Promise<JobResult[]> {
  const results: JobResult[] = [];
  for (const job of JOBS) {
    try {
      results.push({ name: job.name, ok: true, counts: await job.run(db, config, now) });
    } catch (err) {
      // The code or class only: a driver message can quote the values of the row (personal data).
      const code = (err as { code?: unknown } | null)?.code;
      results.push({ name: job.name, ok: false, error: typeof code === 'string' ? code : err instanceof Error ? err.name : 'error' });
    }
  }
  return results;
}

export function describeJobResult(r: JobResult): string {
  if (!r.ok) return `${r.name}: failed (${r.error})`;
  return `${r.name}: ${Object.entries(r.counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'done'}`;
}

/**
 * Runs the jobs every `intervalMs` (a first run after `firstDelayMs`) until the returned function is
 * called. The timer is unref'd so it never keeps the process alive, and runs never overlap.
 */
export function startJobs(
  db: Kysely<Database>,
  config: Config,
  opts: { intervalMs?: number; firstDelayMs?: number; log?: (line: string) => void } = {},
): () => void {
  const intervalMs = opts.intervalMs ?? 15 * 60_000;
  const log = opts.log ?? ((line: string) => console.log(line));
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    for (const r of await runJobsOnce(db, config)) if (!r.ok || Object.values(r.counts).some((n) => n > 0)) log(`jobs: ${describeJobResult(r)}`);
    if (!stopped) schedule(intervalMs);
  };
  const schedule = (ms: number) => {
    timer = setTimeout(() => void tick(), ms);
    timer.unref();
  };
  schedule(opts.firstDelayMs ?? 30_000);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
