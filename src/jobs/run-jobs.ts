// Periodic housekeeping, one scheduler for all of it. Every job is safe to run on several instances at
// once (each change is conditional on the state it read; resumed notices reuse their provider
// idempotency key), so each server simply runs them all on its own timers.
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { Database } from '../db/schema.js';
import { resumeBroadcasts } from '../domain/broadcasts/walk-broadcast.js';
import { deliverOwedConfirmations } from '../domain/consent/double-opt-in.js';
import { resumeQueuedNotices } from '../domain/notices/resume.js';
import type { NoticeRuntime } from '../domain/notices/runtime.js';
import { createSystemMail } from '../domain/notices/system-mail.js';
import type { Telemetry } from '../domain/operations/telemetry.js';
import { runWaitingMailJobs } from '../domain/self-service/mail-jobs.js';
import { deliverWebhooks, onWebhooksQueued } from '../domain/webhooks/deliver.js';
import { purgeOldWebhookDeliveries } from '../domain/webhooks/retention.js';
import { type Logger, silentLogger } from '../observability/logger.js';
import { expirePendingSubscriptions } from './expire-pending.js';
import { purgeOldNotices } from './notice-retention.js';

export interface JobDeps {
  db: Kysely<Database>;
  config: Config;
  /** Needed by the jobs that send; without it they do nothing. */
  notices?: NoticeRuntime | undefined;
  /** Aborted when the server stops: a job lets go at its next safe point. */
  signal?: AbortSignal | undefined;
  telemetry?: Telemetry | undefined;
}

interface Job {
  name: string;
  /** How often the server runs it (default 15 minutes) and how soon after start (default 30 s). */
  everyMs?: number;
  firstDelayMs?: number;
  /** Counts of what was done, for the log and `mailprefs jobs run`; never personal data. */
  run(deps: JobDeps, now: Date): Promise<Record<string, number>>;
  /** Subscribes `wake` to what makes the job due before its timer (returns the unsubscribe). */
  wakeOn?(deps: JobDeps, wake: () => void): () => void;
}

// A notice younger than this may still have its first provider call under way in some instance.
const RESUME_EVERY_MS = 60_000;
// A broadcast let go by a stopping instance is taken up this soon by another; a broadcast paused by a
// provider outage keeps its own pause (PROVIDER_PAUSE_MS), so this only costs one indexed read.
const BROADCAST_RESUME_EVERY_MS = 5_000;
const MAIL_JOBS_EVERY_MS = 5_000;

export const JOBS: readonly Job[] = [
  { name: 'expire-pending', run: async ({ db, config }, now) => ({ expired: await expirePendingSubscriptions(db, config.pendingExpiryDays, now) }) },
  { name: 'notice-retention', run: ({ db, config }, now) => purgeOldNotices(db, config.noticeRetentionDays, now) },
  {
    name: 'webhook-retention',
    run: async ({ db, config }, now) => ({ purged: await purgeOldWebhookDeliveries(db, config.noticeRetentionDays, now) }),
  },
  {
    // Notices left queued (provider down, or a crash mid-send) are sent again, at start and every minute.
    name: 'resume-notices',
    everyMs: RESUME_EVERY_MS,
    firstDelayMs: 0,
    run: async ({ db, notices }, now) => (notices ? resumeQueuedNotices(db, notices, { before: new Date(now.getTime() - RESUME_EVERY_MS).toISOString() }) : {}),
  },
  {
    // Double opt-in confirmations a crash or an outage left owed (the confirmation outbox), every minute.
    name: 'owed-confirmations',
    everyMs: RESUME_EVERY_MS,
    firstDelayMs: 0,
    run: async ({ db, config, notices, signal }, now) =>
      notices ? deliverOwedConfirmations(db, createSystemMail(db, config, notices), config, { now, signal }) : {},
  },
  {
    // Mail a page promised and the instance that answered did not get to (it died, or the send failed),
    // every 5 s: the person is waiting for a link (src/domain/self-service/mail-jobs.ts).
    name: 'mail-jobs',
    everyMs: MAIL_JOBS_EVERY_MS,
    firstDelayMs: 0,
    run: async ({ db, config, notices, signal, telemetry }, now) =>
      notices ? runWaitingMailJobs(db, config, createSystemMail(db, config, notices), { now, signal, telemetry }) : {},
  },
  {
    // Broadcasts left unfinished (a crash, an instance stopped mid-walk) are taken up again; a lease
    // keeps two instances from walking the same one.
    name: 'resume-broadcasts',
    everyMs: BROADCAST_RESUME_EVERY_MS,
    firstDelayMs: 0,
    run: async ({ db, config, notices, signal }) => (notices ? resumeBroadcasts({ db, config, runtime: notices, actor: 'system' }, { signal }) : {}),
  },
  {
    // The webhook outbox: at once when a change of this process has committed, and every second for
    // other instances' changes and retries. An opt-out should reach the systems that send mail promptly.
    name: 'deliver-webhooks',
    everyMs: 1000,
    firstDelayMs: 0,
    wakeOn: ({ db }, wake) => onWebhooksQueued(db, wake),
    run: async ({ db, config, telemetry }, now) => {
      const skew = now.getTime() - Date.now();
      const counts = await deliverWebhooks(db, {
        timeoutMs: config.webhookTimeoutMs,
        allowPrivate: config.webhookAllowPrivate,
        now: () => new Date(Date.now() + skew),
        telemetry,
      });
      return { ...counts };
    },
  },
];

export type JobResult = { name: string; ok: true; counts: Record<string, number> } | { name: string; ok: false; error: string };

async function runJob(job: Job, deps: JobDeps, now: Date): Promise<JobResult> {
  try {
    return { name: job.name, ok: true, counts: await job.run(deps, now) };
  } catch (err) {
    // The code or class only: a driver message can quote the values of the row (personal data).
    const code = (err as { code?: unknown } | null)?.code;
    return { name: job.name, ok: false, error: typeof code === 'string' ? code : err instanceof Error ? err.name : 'error' };
  }
}

/** Runs every job once, in order; one failing does not stop the others. */
export async function runJobsOnce(db: Kysely<Database>, config: Config, opts: { now?: Date; notices?: NoticeRuntime } = {}): Promise<JobResult[]> {
  const results: JobResult[] = [];
  for (const job of JOBS) results.push(await runJob(job, { db, config, notices: opts.notices }, opts.now ?? new Date()));
  return results;
}

export function describeJobResult(r: JobResult): string {
  if (!r.ok) return `${r.name}: failed (${r.error})`;
  return `${r.name}: ${
    Object.entries(r.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ') || 'done'
  }`;
}

/**
 * Runs each job on its own timer (`intervalMs` and `firstDelayMs`, when given, override every job's own)
 * until the returned function is called, and a job with `wakeOn` also as soon as it is woken. Timers are
 * unref'd so they never keep the process alive, and runs of one job never overlap: a wake during a run
 * runs it again right after.
 */
export function startJobs(
  db: Kysely<Database>,
  config: Config,
  opts: { intervalMs?: number; firstDelayMs?: number; logger?: Logger; notices?: NoticeRuntime; lifecycle?: Lifecycle; telemetry?: Telemetry } = {},
): () => void {
  const logger = opts.logger ?? silentLogger();
  const { lifecycle } = opts;
  const deps: JobDeps = { db, config, notices: opts.notices, signal: lifecycle?.stopping, telemetry: opts.telemetry };
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<string>();
  const wokenWhileRunning = new Set<string>();
  let stopped = false;
  const schedule = (job: Job, ms: number, woken = false) => {
    clearTimeout(timers.get(job.name));
    const timer = setTimeout(() => void tick(job, woken), ms);
    timer.unref();
    timers.set(job.name, timer);
  };
  const tick = async (job: Job, woken: boolean) => {
    if (stopped) return;
    running.add(job.name);
    const started = performance.now();
    const run = runJob(job, deps, new Date());
    const r = await (lifecycle ? lifecycle.track(run) : run);
    running.delete(job.name);
    const durationMs = Math.round(performance.now() - started);
    // A run that did nothing is logged at debug only: most runs of most jobs find nothing to do; so is a
    // woken run, one per change at worst, whose work the histograms and the next timed run show.
    if (!r.ok) logger.error({ event: 'job_failed', job: r.name, error: r.error, durationMs });
    else if (!woken && Object.values(r.counts).some((n) => n > 0)) logger.info({ event: 'job_finished', job: r.name, counts: r.counts, durationMs });
    else logger.debug({ event: 'job_finished', job: r.name, counts: r.counts, durationMs });
    if (stopped) return;
    if (wokenWhileRunning.delete(job.name)) schedule(job, 0, true);
    else schedule(job, opts.intervalMs ?? job.everyMs ?? 15 * 60_000);
  };
  const wake = (job: Job) => {
    if (stopped) return;
    if (running.has(job.name)) wokenWhileRunning.add(job.name);
    else schedule(job, 0, true);
  };
  const unsubscribe = JOBS.flatMap((job) => (job.wakeOn ? [job.wakeOn(deps, () => wake(job))] : []));
  for (const job of JOBS) schedule(job, opts.firstDelayMs ?? job.firstDelayMs ?? 30_000);
  return () => {
    stopped = true;
    for (const off of unsubscribe) off();
    for (const timer of timers.values()) clearTimeout(timer);
  };
}
