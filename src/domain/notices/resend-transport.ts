// Sending through Resend's own SDK. The SDK returns {data, error} and never throws (docs/standards.md "Resend SDK"); we
// retry what Resend asks us to retry (429 with Retry-After, 5xx, network failures) a bounded number of
// times, pace calls to the team's rate limit (2 requests/s by default), and pass the idempotency key on,
// so a retried or resumed call is sent once (Resend keeps keys 24 h).
import { type CreateEmailOptions, type ErrorResponse, Resend } from 'resend';
import { BATCH_LIMIT, type OutgoingEmail, type SendCall, type SendOutcome, type Transport } from './transport.js';

export interface ResendTransportOptions {
  apiKey: string;
  baseUrl?: string | undefined;
  maxRequestsPerSecond: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Longest wait between two attempts; a larger Retry-After leaves the call for later (resume). */
  maxDelayMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function toResend(e: OutgoingEmail): CreateEmailOptions {
  return { from: e.from, to: [e.to], subject: e.subject, html: e.html, text: e.text, headers: e.headers };
}

function isRetryable(error: ErrorResponse): boolean {
  const status = error.statusCode;
  return status === null || status === 429 || status >= 500 || error.name === 'concurrent_idempotent_requests';
}

function retryAfterMs(headers: Record<string, string> | null): number | undefined {
  const value = headers?.['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Spaces call starts at least 1/rps apart, across concurrent callers. */
function pacer(rps: number): () => Promise<void> {
  const gap = 1000 / rps;
  let next = 0;
  return async () => {
    const now = Date.now();
    const start = Math.max(now, next);
    next = start + gap;
    if (start > now) await sleep(start - now);
  };
}

export function createResendTransport(options: ResendTransportOptions): Transport {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  const pace = pacer(options.maxRequestsPerSecond);
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelay = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;

  type Attempt = { ids: string[] } | { error: ErrorResponse; headers: Record<string, string> | null };
  const callOnce = async (call: SendCall): Promise<Attempt> => {
    await pace();
    if (call.emails.length === 1) {
      const r = await resend.emails.send(toResend(call.emails[0]!), { idempotencyKey: call.idempotencyKey });
      return r.error ? { error: r.error, headers: r.headers } : { ids: [r.data.id] };
    }
    const r = await resend.batch.send(call.emails.map(toResend), { idempotencyKey: call.idempotencyKey });
    return r.error ? { error: r.error, headers: r.headers } : { ids: r.data.data.map((d) => d.id) };
  };

  return {
    name: 'resend',
    send: async (call): Promise<SendOutcome> => {
      if (call.emails.length === 0 || call.emails.length > BATCH_LIMIT) throw new Error(`a call carries 1 to ${BATCH_LIMIT} emails`);
      let last = 'not attempted';
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const r = await callOnce(call);
        if ('ids' in r) {
          if (r.ids.length !== call.emails.length) return { ok: false, retryable: false, error: 'provider answered with a different number of ids' };
          return { ok: true, providerIds: r.ids };
        }
        last = `${r.error.statusCode ?? 'network'} ${r.error.name}: ${r.error.message}`.slice(0, 500);
        if (!isRetryable(r.error)) return { ok: false, retryable: false, error: last };
        if (attempt === maxAttempts) break;
        const wait = retryAfterMs(r.headers) ?? baseDelay * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
        if (wait > maxDelay) break;
        await sleep(wait);
      }
      return { ok: false, retryable: true, error: last };
    },
  };
}
