// What the console's overview shows for a period and category, read from the daily counters each change
// bumps in its own transaction (src/domain/stats), summed by the database: a few thousand rows at most,
// whatever the ledger's size.
// Gmail and Yahoo hold bulk senders to a spam rate under 0.3%, and ask for under 0.1% (docs/standards.md).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { getCategory } from '../recipients/categories.js';
import { sumDailyCounters } from '../stats/daily-stats.js';
import { LATENCY_METRICS, latencyBound, latencyQuantile } from '../webhooks/opt-out-latency.js';

/** Opt-outs grouped the way an operator asks about them. */
export type OptOutChannel = 'one_click' | 'page' | 'api' | 'complaint' | 'import' | 'console' | 'other';
export const OPT_OUT_CHANNELS: readonly OptOutChannel[] = ['one_click', 'page', 'api', 'complaint', 'import', 'console', 'other'];

const CHANNEL_OF: Record<string, OptOutChannel> = {
  one_click: 'one_click',
  unsubscribe_page: 'page',
  preference_page: 'page',
  api: 'api',
  webhook: 'complaint',
  import: 'import',
  console: 'console',
};

export interface OverviewDay {
  date: string;
  optIns: number;
  optOuts: number;
  sent: number;
  failed: number;
  bounces: number;
  complaints: number;
  /** Bounces and complaints per notice sent that day; null when none was sent. */
  bounceRate: number | null;
  complaintRate: number | null;
  /** Seconds the opt-outs of that day took to reach webhook endpoints (median, 90th percentile: bucket bounds); null when none. */
  webhookP50: number | null;
  webhookP90: number | null;
}

export interface Overview {
  from: string;
  to: string;
  category: string | null;
  days: OverviewDay[];
  optOutsByChannel: Record<OptOutChannel, number>;
  totals: {
    optIns: number;
    optOuts: number;
    sent: number;
    failed: number;
    bounceRate: number | null;
    complaintRate: number | null;
    webhookP90: number | null;
  };
}

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

const DAY_MS = 86_400_000;

/** The metrics the overview counts, each to one field of a day. */
const FIELD: Record<string, 'optIns' | 'optOuts' | 'sent' | 'failed' | 'bounces' | 'complaints'> = {
  subscribed: 'optIns',
  marketing_opt_in: 'optIns',
  unsubscribed: 'optOuts',
  marketing_opt_out: 'optOuts',
  notice_sent: 'sent',
  notice_failed: 'failed',
  notice_bounced: 'bounces',
  notice_complained: 'complaints',
};
const OPT_OUTS = Object.keys(FIELD).filter((m) => FIELD[m] === 'optOuts');
const METRICS = [...Object.keys(FIELD), ...LATENCY_METRICS];

/**
 * The one reader behind the overview: one read of the daily counters (src/domain/stats), zero-filled
 * per day. Switching where the aggregates come from is a change here only. Unknown category → 404.
 */
export async function loadOverview(db: Kysely<Database>, q: { from: string; to: string; category?: string | undefined }): Promise<Overview> {
  if (q.category !== undefined) await getCategory(db, q.category);
  const counters = await sumDailyCounters(db, q, METRICS, OPT_OUTS);
  const byDate = new Map<string, OverviewDay>();
  const latency = new Map<string, Map<number, number>>();
  const periodLatency = new Map<number, number>();
  for (let t = Date.parse(`${q.from}T00:00:00Z`); t <= Date.parse(`${q.to}T00:00:00Z`); t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    byDate.set(date, {
      date,
      optIns: 0,
      optOuts: 0,
      sent: 0,
      failed: 0,
      bounces: 0,
      complaints: 0,
      bounceRate: null,
      complaintRate: null,
      webhookP50: null,
      webhookP90: null,
    });
    latency.set(date, new Map());
  }
  const optOutsByChannel = Object.fromEntries(OPT_OUT_CHANNELS.map((c) => [c, 0])) as Record<OptOutChannel, number>;
  for (const c of counters) {
    const day = byDate.get(c.day);
    if (!day) continue;
    const bound = latencyBound(c.metric);
    if (bound !== undefined) {
      const buckets = latency.get(c.day)!;
      buckets.set(bound, (buckets.get(bound) ?? 0) + c.count);
      periodLatency.set(bound, (periodLatency.get(bound) ?? 0) + c.count);
      continue;
    }
    const field = FIELD[c.metric];
    if (!field) continue;
    day[field] += c.count;
    if (field === 'optOuts') optOutsByChannel[CHANNEL_OF[c.source] ?? 'other'] += c.count;
  }
  const days = [...byDate.values()].map((d) => {
    const buckets = latency.get(d.date)!;
    return {
      ...d,
      bounceRate: rate(d.bounces, d.sent),
      complaintRate: rate(d.complaints, d.sent),
      webhookP50: latencyQuantile(buckets, 0.5),
      webhookP90: latencyQuantile(buckets, 0.9),
    };
  });
  const sum = (f: (d: OverviewDay) => number) => days.reduce((n, d) => n + f(d), 0);
  const sent = sum((d) => d.sent);
  return {
    from: q.from,
    to: q.to,
    category: q.category ?? null,
    days,
    optOutsByChannel,
    totals: {
      optIns: sum((d) => d.optIns),
      optOuts: sum((d) => d.optOuts),
      sent,
      failed: sum((d) => d.failed),
      bounceRate: rate(
        sum((d) => d.bounces),
        sent,
      ),
      complaintRate: rate(
        sum((d) => d.complaints),
        sent,
      ),
      webhookP90: latencyQuantile(periodLatency, 0.9),
    },
  };
}
