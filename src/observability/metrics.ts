// Prometheus series for /metrics (docs/operations.md "Metrics"). One Registry per app, never prom-client's
// global default, so that every app built in one process (the tests build hundreds) counts on its own.
import type { Kysely } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/schema.js';
import type { EligibilityReason } from '../domain/eligibility/decide-eligibility.js';
import { readOperationalFacts } from '../domain/operations/operational-facts.js';
import type { NoticeOutcome, ProviderOutcome } from '../domain/operations/telemetry.js';

export interface Metrics {
  readonly registry: Registry;
  requestAnswered(method: string, route: string, status: number, seconds: number): void;
  eligibilityDecided(reason: EligibilityReason): void;
  noticesRecorded(outcome: NoticeOutcome, count: number): void;
  providerCalled(provider: string, seconds: number, outcome: ProviderOutcome): void;
  webhookDelivered(type: string, seconds: number): void;
  /** Reads the database-backed series, then renders every series as Prometheus text. */
  scrape(db: Kysely<Database>): Promise<string>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({
    name: 'mailprefs_http_requests_total',
    help: 'Answered HTTP requests by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const perRequest = new Map<string, { count: { inc(): void }; seconds: { observe(v: number): void } }>();
  const requestSeconds = new Histogram({
    name: 'mailprefs_http_request_duration_seconds',
    help: 'Time to the response headers, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  // The hot path: a decision adds 1 to a plain number; the counter takes the sums when it is scraped.
  // (prom-client's own inc hashes its labels on every call: about a microsecond, 10 ms per 10,000 addresses.)
  const undecided = new Map<EligibilityReason, number>();
  // Registered by its constructor and read only through `registers`: it needs no name of its own.
  new Counter({
    name: 'mailprefs_eligibility_decisions_total',
    help: 'Eligibility decisions by reason.',
    labelNames: ['reason'] as const,
    registers,
    collect() {
      for (const [reason, n] of undecided) if (n > 0) this.inc({ reason }, n);
      undecided.clear();
    },
  });
  const consent = new Counter({
    name: 'mailprefs_consent_changes_total',
    help: 'Consent ledger events by type and source, read from the ledger (every writer on this database).',
    labelNames: ['type', 'source'] as const,
    registers,
  });
  const notices = new Counter({ name: 'mailprefs_notices_total', help: 'Notice outcomes by status.', labelNames: ['status'] as const, registers });
  const providerSeconds = new Histogram({
    name: 'mailprefs_provider_call_duration_seconds',
    help: "Email provider calls (one email or a batch), including the transport's own retries, by provider and outcome.",
    labelNames: ['provider', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const providerErrors = new Counter({
    name: 'mailprefs_provider_errors_total',
    help: 'Email provider calls that failed, by provider and outcome (retryable or rejected).',
    labelNames: ['provider', 'outcome'] as const,
    registers,
  });
  // How long an opt-out took to reach the systems that send mail: from the change to the endpoint's 2xx.
  const webhookSeconds = new Histogram({
    name: 'mailprefs_webhook_delivery_latency_seconds',
    help: "Time from a change to its webhook endpoint's 2xx, retries included, by event type.",
    labelNames: ['type'] as const,
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600, 21600, 86400, 259200],
    registers,
  });
  const queued = new Gauge({ name: 'mailprefs_notices_queued', help: 'Notices waiting for a provider call (read at scrape).', registers });
  const running = new Gauge({ name: 'mailprefs_broadcasts_running', help: 'Broadcasts being walked (read at scrape).', registers });
  const ledgerHead = new Gauge({
    name: 'mailprefs_ledger_head_sequence',
    help: 'Sequence number of the newest consent ledger event (read at scrape).',
    registers,
  });

  let ledgerSeen = 0;
  let scraping: Promise<unknown> = Promise.resolve();

  const refresh = async (db: Kysely<Database>) => {
    const facts = await readOperationalFacts(db, ledgerSeen);
    queued.set(facts.queuedNotices);
    running.set(facts.runningBroadcasts);
    ledgerHead.set(facts.ledgerHead);
    for (const c of facts.consentChanges) consent.inc({ type: c.type, source: c.source }, c.count);
    ledgerSeen = facts.ledgerHead;
  };

  return {
    registry,
    requestAnswered(method, route, status, seconds) {
      // prom-client hashes a label object on every call; the children are kept by their labels instead
      // (method, route pattern and status are each a small closed set, request-log.ts).
      const key = `${method} ${route} ${status}`;
      let series = perRequest.get(key);
      if (!series) {
        series = { count: requests.labels(method, route, String(status)), seconds: requestSeconds.labels(method, route) };
        perRequest.set(key, series);
      }
      series.count.inc();
      series.seconds.observe(seconds);
    },
    eligibilityDecided(reason) {
      undecided.set(reason, (undecided.get(reason) ?? 0) + 1);
    },
    noticesRecorded: (outcome, count) => notices.inc({ status: outcome }, count),
    providerCalled(provider, seconds, outcome) {
      providerSeconds.observe({ provider, outcome }, seconds);
      if (outcome !== 'ok') providerErrors.inc({ provider, outcome });
    },
    webhookDelivered: (type, seconds) => webhookSeconds.observe({ type }, seconds),
    async scrape(db) {
      // One scrape at a time: two at once would both count the ledger events since the same head.
      const turn = scraping.then(() => refresh(db));
      scraping = turn.catch(() => {});
      await turn;
      return registry.metrics();
    },
  };
}

/** Node's own series (CPU, memory, event loop lag, GC) for the server process; once per process, not per app. */
export function collectProcessMetrics(metrics: Metrics): void {
  collectDefaultMetrics({ register: metrics.registry });
}
