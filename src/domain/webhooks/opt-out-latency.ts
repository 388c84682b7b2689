// How long opt-outs took to reach webhook endpoints, kept as daily bucket counts in the daily counters
// (src/db/daily-stats.ts) as each delivery succeeds, so the console's overview reads a few rows per day
// instead of scanning deliveries. An opt-out is a `consent.changed` delivery whose change is an
// unsubscribe or a refusal of all marketing: what the systems that send mail must learn quickly
// (RFC 8058 §4 and Gmail's and Yahoo's sender rules ask for unsubscribes honoured within two days).
// Buckets are the /metrics histogram's, so both answer in the same steps.
import type { StatIncrement } from '../../db/daily-stats.js';

/** Upper bounds in seconds, ascending; a delivery slower than the last counts in `inf`. */
export const LATENCY_BOUNDS_S = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600, 21600, 86400, 259200] as const;

const PREFIX = 'webhook_opt_out_le_';
const OPT_OUT_CHANGES = new Set(['unsubscribed', 'marketing_opt_out']);

/** The counter a delivery of `ms` counts under: the smallest bucket that holds it. */
export function latencyMetric(ms: number): string {
  const bound = LATENCY_BOUNDS_S.find((b) => ms <= b * 1000);
  return `${PREFIX}${bound ?? 'inf'}`;
}

/** A bucket's upper bound in seconds (Infinity for `inf`), or undefined for another metric. */
export function latencyBound(metric: string): number | undefined {
  if (!metric.startsWith(PREFIX)) return undefined;
  const bound = metric.slice(PREFIX.length);
  return bound === 'inf' ? Number.POSITIVE_INFINITY : Number(bound);
}

/** Every bucket's metric name, for a reader that asks the database for these rows only. */
export const LATENCY_METRICS: readonly string[] = [...LATENCY_BOUNDS_S.map((b) => `${PREFIX}${b}`), `${PREFIX}inf`];

/** What a delivery that reached its endpoint adds to the daily counters: one bucket for an opt-out, else nothing. */
export function optOutLatencyIncrement(d: { event_type: string; event_at: string; payload: string }, latencyMs: number): StatIncrement[] {
  if (d.event_type !== 'consent.changed') return [];
  const data = JSON.parse(d.payload) as { change?: unknown; category?: unknown };
  if (typeof data.change !== 'string' || !OPT_OUT_CHANGES.has(data.change)) return [];
  // Counted on the day of the change: "opt-outs of Tuesday reached endpoints within …".
  return [{ at: d.event_at, metric: latencyMetric(latencyMs), categoryKey: typeof data.category === 'string' ? data.category : null, source: null }];
}

/**
 * The smallest bucket bound that holds at least `q` of the deliveries counted: an upper estimate of
 * the quantile, as Prometheus's histogram_quantile would give at a bucket's edge. Null when none.
 */
export function latencyQuantile(buckets: ReadonlyMap<number, number>, q: number): number | null {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = bounds.reduce((n, b) => n + buckets.get(b)!, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const b of bounds) {
    seen += buckets.get(b)!;
    if (seen >= q * total) return b;
  }
  return bounds.at(-1)!;
}
