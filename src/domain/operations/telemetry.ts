// The port through which the domain reports what it does: counters for /metrics and events for the log.
// The domain calls it and never knows what is behind it; src/observability implements it over prom-client
// and pino (docs/operations.md). Fields are counts, ids, names and codes: never an address, a token or a
// key, so a caller cannot leak personal data through it by accident of a free-form message.
import type { EligibilityReason } from '../eligibility/decide-eligibility.js';

/** What became of a notice at one step: recorded as skipped, sent, left queued for a retry, or failed. */
export type NoticeOutcome = 'sent' | 'queued' | 'skipped' | 'failed';

/** A provider call's outcome: accepted, refused for now (retried later), or refused for good. */
export type ProviderOutcome = 'ok' | 'retryable' | 'rejected';

export type EventFields = Readonly<Record<string, string | number | boolean | null>>;

export interface Telemetry {
  /** Called once per decision on the hot path: the implementation must not allocate per call. */
  eligibilityDecided(reason: EligibilityReason): void;
  noticesRecorded(outcome: NoticeOutcome, count: number): void;
  providerCalled(provider: string, seconds: number, outcome: ProviderOutcome): void;
  /** A webhook reached its endpoint (2xx): seconds from the change to that answer, by event type. */
  webhookDelivered(type: string, seconds: number): void;
  /** One structured log line named by `event` (`job_finished`, `provider_call`…). */
  event(level: 'debug' | 'info' | 'warn' | 'error', event: string, fields?: EventFields): void;
}

const nothing = () => {};

/** For callers that watch nothing (tests, the CLI's one-off runs). */
export const SILENT_TELEMETRY: Telemetry = {
  eligibilityDecided: nothing,
  noticesRecorded: nothing,
  providerCalled: nothing,
  webhookDelivered: nothing,
  event: nothing,
};
