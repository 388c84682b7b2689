// Coalesced sending. Notices ready at about the same time, from any request (single POSTs, batches,
// broadcasts, resumes), leave together in provider calls of up to BATCH_LIMIT emails: at Resend's
// default 2 requests/s that is up to 200 emails/s instead of 2. Each notice keeps its own record and
// result: the call's idempotency key is written onto its notices before the call (so a crash is resumed
// with the same key and payload, src/domain/notices/resume.ts), and an email Resend refuses fails alone.
import type { Kysely } from 'kysely';
import { nowIso } from '../../core/ids.js';
import { claimNoticesForCall } from '../../db/notices.js';
import type { Database } from '../../db/schema.js';
import { SILENT_TELEMETRY, type Telemetry } from '../operations/telemetry.js';
import { callKey, type DeliveredCall, type NoticeResult, type ReadyNotice, recordOutcome } from './delivery-records.js';
import type { ProviderBudget } from './provider-budget.js';
import { BATCH_LIMIT, type SendOutcome, type Transport } from './transport.js';

export interface NoticeDispatcher {
  /** Sends notices recorded queued with no provider key yet, coalesced with whatever else is ready. */
  send(notices: readonly ReadyNotice[]): Promise<NoticeResult[]>;
  /** Sends calls whose notices already carry their key (resumed), each exactly as first made. */
  resend(calls: readonly DeliveredCall[]): Promise<NoticeResult[]>;
}

export interface DispatcherOptions {
  /** Shared provider slots; without one the transport paces itself. */
  budget?: ProviderBudget | undefined;
  /** How long the first ready notice waits for others to join it (when no slot wait gathers them). */
  windowMs?: number;
  /** Provider calls under way at once. */
  maxInFlight?: number;
  /** Where each provider call and each notice's outcome is reported (docs/operations.md "Metrics"). */
  telemetry?: Telemetry | undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// How long before its slot a call is claimed (a write or two), so that it can leave on time.
const CLAIM_LEAD_MS = 20;

export function createNoticeDispatcher(db: Kysely<Database>, transport: Transport, options: DispatcherOptions = {}): NoticeDispatcher {
  const windowMs = options.windowMs ?? 5;
  const maxInFlight = options.maxInFlight ?? 8;
  const telemetry = options.telemetry ?? SILENT_TELEMETRY;
  const loose: { notice: ReadyNotice; arrived: number }[] = [];
  const keyed: DeliveredCall[] = [];
  // One entry per notice in this dispatcher's hands: a resume that lists a notice still waiting here
  // (a long backlog at 2 calls/s) joins its answer instead of queueing it twice.
  const waiters = new Map<string, { result: Promise<NoticeResult>; resolve: (r: NoticeResult) => void; reject: (e: unknown) => void }>();
  let pumping = false;
  let inFlight = 0;
  let freed: (() => void) | undefined;

  const settle = (results: readonly NoticeResult[]) => {
    for (const r of results) {
      waiters.get(r.id)?.resolve(r);
      waiters.delete(r.id);
    }
  };
  const fail = (ids: readonly string[], err: unknown) => {
    for (const id of ids) {
      waiters.get(id)?.reject(err);
      waiters.delete(id);
    }
  };
  const waitFor = (id: string): Promise<NoticeResult> => {
    const known = waiters.get(id);
    if (known) return known.result;
    let settle!: { resolve: (r: NoticeResult) => void; reject: (e: unknown) => void };
    const result = new Promise<NoticeResult>((resolve, reject) => (settle = { resolve, reject }));
    waiters.set(id, { result, ...settle });
    return result;
  };

  // A loose batch is claimed first: notices some other call holds by now (a resume elsewhere) are left to it.
  const claimAndSend = async (batch: ReadyNotice[], slot: number) => {
    const sorted = batch.sort((a, b) => (a.id < b.id ? -1 : 1));
    const key = callKey(sorted.map((n) => n.id));
    const claimed = await claimNoticesForCall(
      db,
      sorted.map((n) => n.id),
      key,
      nowIso(),
    );
    settle(sorted.filter((n) => !claimed.has(n.id)).map((n) => ({ id: n.id, status: 'queued', providerId: null })));
    const mine = sorted.filter((n) => claimed.has(n.id));
    if (mine.length > 0) await sendCall({ key, notices: mine }, slot);
  };

  const sendCall = async (call: DeliveredCall, slot: number) => {
    if (slot > Date.now()) await sleep(slot - Date.now());
    const paced = options.budget !== undefined;
    const started = performance.now();
    const outcome = await transport.send({ idempotencyKey: call.key, emails: call.notices.map((n) => n.email), paced });
    observeCall(telemetry, transport.name, call.notices.length, (performance.now() - started) / 1000, outcome);
    const next = await recordOutcome(db, call, outcome);
    if ('split' in next) {
      keyed.unshift(...next.split);
      kick();
    } else {
      for (const status of ['sent', 'queued', 'failed'] as const) {
        const n = next.results.filter((r) => r.status === status).length;
        if (n > 0) telemetry.noticesRecorded(status, n);
      }
      settle(next.results);
    }
  };

  const start = (ids: readonly string[], run: () => Promise<void>) => {
    inFlight++;
    run()
      .catch((err: unknown) => fail(ids, err))
      .finally(() => {
        inFlight--;
        freed?.();
      });
  };

  // The slot is reserved first and the batch gathered while it comes near (notices keep arriving), then
  // claimed just ahead of it, so the call leaves on its slot with as many notices as it can carry.
  const pump = async () => {
    pumping = true;
    try {
      while (keyed.length > 0 || loose.length > 0) {
        while (inFlight >= maxInFlight) await new Promise<void>((resolve) => (freed = resolve));
        let slot = Date.now();
        let noSlot: unknown;
        try {
          if (options.budget) slot = await options.budget.reserve();
        } catch (err) {
          noSlot = err ?? new Error('no provider slot');
        }
        if (slot - CLAIM_LEAD_MS > Date.now()) await sleep(slot - CLAIM_LEAD_MS - Date.now());
        const call = keyed.shift();
        const due = (loose[0]?.arrived ?? 0) + windowMs;
        if (!call && loose.length < BATCH_LIMIT && due > Date.now()) await sleep(due - Date.now());
        const batch = call ? [] : loose.splice(0, BATCH_LIMIT).map((l) => l.notice);
        const ids = call ? call.notices.map((n) => n.id) : batch.map((n) => n.id);
        if (noSlot) fail(ids, noSlot);
        else start(ids, () => (call ? sendCall(call, slot) : claimAndSend(batch, slot)));
      }
    } finally {
      pumping = false;
    }
  };
  const kick = () => {
    if (!pumping) void pump();
  };

  return {
    send: (notices) => {
      const fresh = notices.filter((n) => !waiters.has(n.id));
      const results = Promise.all(notices.map((n) => waitFor(n.id)));
      const arrived = Date.now();
      for (const notice of fresh) loose.push({ notice, arrived });
      kick();
      return results;
    },
    resend: (calls) => {
      const results: Promise<NoticeResult>[] = [];
      for (const call of calls) {
        // A call with any notice still in hand here is already under way: its others wait for the next resume.
        const busy = call.notices.some((n) => waiters.has(n.id));
        for (const n of call.notices) {
          results.push(busy && !waiters.has(n.id) ? Promise.resolve({ id: n.id, status: 'queued', providerId: null }) : waitFor(n.id));
        }
        if (!busy) keyed.push(call);
      }
      kick();
      return Promise.all(results);
    },
  };
}

function observeCall(telemetry: Telemetry, provider: string, emails: number, seconds: number, outcome: SendOutcome): void {
  const status = outcome.ok ? 'ok' : outcome.retryable ? 'retryable' : 'rejected';
  telemetry.providerCalled(provider, seconds, status);
  // Not the provider's error text: Resend's validation messages quote the address they refused.
  telemetry.event(outcome.ok ? 'info' : 'warn', 'provider_call', { provider, emails, outcome: status, durationMs: Math.round(seconds * 1000) });
}
