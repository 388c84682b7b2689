// Sending through Resend's own SDK. The SDK returns {data, error} and never throws (docs/standards.md "Resend SDK"); we
// retry what Resend asks us to retry (429 with Retry-After, 5xx, network failures) a bounded number of
// times, pace calls to the team's rate limit (2 requests/s by default), and pass the idempotency key on,
// so a retried or resumed call is sent once (Resend keeps keys 24 h). Batches go in Resend's permissive
// validation mode: an address Resend refuses fails only its own email, never the other 99 of the call
// (in the default strict mode one validation_error rejects the whole batch).
import { type CreateEmailOptions, type ErrorResponse, Resend } from 'resend';
import { BATCH_LIMIT, type EmailOutcome, type OutgoingEmail, type SendCall, type SendOutcome, type Transport } from './transport.js';

export interface ResendTransportOptions {
  apiKey: string;
  baseUrl?: string | undefined;
  maxRequestsPerSecond: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Longest wait between two attempts; a larger Retry-After leaves the call for later (resume). */
  maxDelayMs?: number;
  /** Waits for a provider slot; by default an in-process pacer at maxRequestsPerSecond. */
  pace?: () => Promise<void>;
  /** The clock and the wait between calls: injectable so a test checks pacing and Retry-After without sleeping. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function toResend(e: OutgoingEmail): CreateEmailOptions {
  return { from: e.from, to: [e.to], subject: e.subject, html: e.html, text: e.text, headers: e.headers };
}

function isRetryable(error: ErrorResponse): boolean {
  const status = error.statusCode;
  return status === null || status === 429 || status >= 500 || error.name === 'concurrent_idempotent_requests';
}

function retryAfterMs(headers: Record<string, string> | null, now: () => number): number | undefined {
  const value = headers?.['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
}

/** Spaces call starts at least 1/rps apart, across concurrent callers. */
export function pacer(rps: number, clock: () => number = Date.now, sleep: (ms: number) => Promise<void> = realSleep): () => Promise<void> {
  const gap = 1000 / rps;
  let next = 0;
  return async () => {
    const now = clock();
    const start = Math.max(now, next);
    next = start + gap;
    if (start > now) await sleep(start - now);
  };
}

export function createResendTransport(options: ResendTransportOptions): Transport {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const pace = options.pace ?? pacer(options.maxRequestsPerSecond, now, sleep);
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelay = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;

  type Attempt = { outcomes: EmailOutcome[] } | { error: ErrorResponse; headers: Record<string, string> | null };
  const callOnce = async (call: SendCall, attempt: number): Promise<Attempt> => {
    if (attempt > 1 || !call.paced) await pace();
    if (call.emails.length === 1) {
      const r = await resend.emails.send(toResend(call.emails[0]!), { idempotencyKey: call.idempotencyKey });
      return r.error ? { error: r.error, headers: r.headers } : { outcomes: [{ providerId: r.data.id }] };
    }
    const r = await resend.batch.send(call.emails.map(toResend), { idempotencyKey: call.idempotencyKey, batchValidation: 'permissive' });
    if (r.error) return { error: r.error, headers: r.headers };
    return { outcomes: permissiveOutcomes(call.emails.length, r.data.data, r.data.errors ?? []) };
  };

  return {
    name: 'resend',
    send: async (call): Promise<SendOutcome> => {
      if (call.emails.length === 0 || call.emails.length > BATCH_LIMIT) throw new Error(`a call carries 1 to ${BATCH_LIMIT} emails`);
      let last = 'not attempted';
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const r = await callOnce(call, attempt);
        if ('outcomes' in r) {
          if (r.outcomes.length !== call.emails.length) return { ok: false, retryable: false, error: 'provider answered with a different number of ids' };
          return { ok: true, outcomes: r.outcomes };
        }
        last = `${r.error.statusCode ?? 'network'} ${r.error.name}: ${r.error.message}`.slice(0, 500);
        if (!isRetryable(r.error)) return { ok: false, retryable: false, invalid: r.error.name === 'validation_error', error: last };
        if (attempt === maxAttempts) break;
        const wait = retryAfterMs(r.headers, now) ?? baseDelay * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
        if (wait > maxDelay) break;
        await sleep(wait);
      }
      return { ok: false, retryable: true, error: last };
    },
  };
}

/**
 * Permissive mode answers the created emails' ids in order and the refused ones by index; anything
 * that does not add up to the call is reported as one mismatch by the caller.
 */
function permissiveOutcomes(count: number, created: readonly { id: string }[], errors: readonly { index: number; message: string }[]): EmailOutcome[] {
  const refused = new Map(errors.map((e) => [e.index, e.message.slice(0, 300)]));
  if (created.length + refused.size !== count) return [];
  const ids = created.values();
  return Array.from({ length: count }, (_, i) => {
    const why = refused.get(i);
    return why === undefined ? { providerId: ids.next().value!.id } : { refused: why };
  });
}
