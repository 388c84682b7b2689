// Mail a page asks for is handed on here and sent after the answer has left (docs/privacy.md, "Not
// telling who is on file"): enqueueing costs the same whether a job is real or empty, so the request
// that asks for a link does the same synchronous work for a known and an unknown address. Jobs run one
// at a time, in order, on the next turns of the event loop. The queue is only the fast path: what it
// runs is on record first (src/domain/self-service/mail-jobs.ts), so a crash delays that mail, never loses it.
export interface MailQueue {
  /** Runs the job after the current request; a failure is logged by name only (no personal data). */
  enqueue(job: () => Promise<void>): void;
  /** Resolves once every job enqueued so far has run (tests, benchmarks, shutdown). */
  idle(): Promise<void>;
}

/** More waiting than this is a flood, not people asking for links: the newest are dropped. */
const MAX_WAITING = 10_000;

/** `track` (the server's lifecycle, src/core/lifecycle.ts) lets a graceful shutdown wait for queued mail. */
/** `onError` hears a failed job (createApp logs its class, src/domain/operations/telemetry.ts). */
export function createMailQueue(opts: { track?: (work: Promise<void>) => Promise<void>; onError?: (err: unknown) => void } = {}): MailQueue {
  const waiting: (() => Promise<void>)[] = [];
  let running: Promise<void> | undefined;

  const drain = async () => {
    for (let job = waiting.shift(); job; job = waiting.shift()) {
      try {
        await job();
      } catch (err) {
        opts.onError?.(err);
      }
    }
    running = undefined;
  };

  return {
    enqueue: (job) => {
      if (waiting.length >= MAX_WAITING) return;
      waiting.push(job);
      if (running) return;
      running = new Promise<void>((resolve) => setImmediate(resolve)).then(drain);
      opts.track?.(running);
    },
    idle: async () => {
      while (running) await running;
    },
  };
}

/** What a domain verb is given: the hand-off alone. */
export type EnqueueMail = MailQueue['enqueue'];
