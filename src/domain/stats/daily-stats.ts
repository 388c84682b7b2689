// Daily series for GET /v1/stats and the console, read from the counters each change bumps in its own
// transaction (src/db/daily-stats.ts): a year of days is a few thousand rows whatever the ledger's size.
import type { Kysely } from 'kysely';
import { invalidField } from '../../core/errors.js';
import { type DailyStat, listDailyStats, sumDailyStats } from '../../db/daily-stats.js';
import type { Database } from '../../db/schema.js';
import { getCategory } from '../recipients/categories.js';

export type { DailyStat };

/** One UTC day. Category-less changes (marketing opt-out, suppressions) count whatever the category asked. */
export interface DayStats {
  date: string;
  subscribed: number;
  unsubscribed: number;
  /** Unsubscriptions by consent source (`one_click`, `preference_page`, `api`…); `expiry` is counted in `expired`. */
  unsubscribedBySource: Record<string, number>;
  pending: number;
  expired: number;
  marketingOptOuts: number;
  marketingOptIns: number;
  suppressed: number;
  erased: number;
  noticesSent: number;
  noticesDelivered: number;
  bounces: number;
  complaints: number;
  noticesFailed: number;
}

export interface StatsSeries {
  from: string;
  to: string;
  category: string | null;
  days: DayStats[];
}

export const MAX_STATS_DAYS = 366;
const DAY_MS = 86_400_000;

/** The days from `from` to `to` inclusive (YYYY-MM-DD, UTC), zero-filled. Unknown category → 404. */
export async function readDailyStats(db: Kysely<Database>, q: { from: string; to: string; category?: string | undefined }): Promise<StatsSeries> {
  const start = Date.parse(`${q.from}T00:00:00Z`);
  const end = Date.parse(`${q.to}T00:00:00Z`);
  if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== q.from) throw invalidField('from', 'a date YYYY-MM-DD');
  if (Number.isNaN(end) || new Date(end).toISOString().slice(0, 10) !== q.to) throw invalidField('to', 'a date YYYY-MM-DD');
  if (end < start) throw invalidField('to', 'must not be before from');
  if ((end - start) / DAY_MS + 1 > MAX_STATS_DAYS) throw invalidField('to', `at most ${MAX_STATS_DAYS} days from from`);
  if (q.category !== undefined) await getCategory(db, q.category);

  const days = new Map<string, DayStats>();
  for (let t = start; t <= end; t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    days.set(date, emptyDay(date));
  }
  for (const row of await listDailyStats(db, { from: q.from, to: q.to, categoryKey: q.category })) {
    const day = days.get(row.day);
    if (day) addTo(day, row);
  }
  return { from: q.from, to: q.to, category: q.category ?? null, days: [...days.values()] };
}

function emptyDay(date: string): DayStats {
  return {
    date,
    subscribed: 0,
    unsubscribed: 0,
    unsubscribedBySource: {},
    pending: 0,
    expired: 0,
    marketingOptOuts: 0,
    marketingOptIns: 0,
    suppressed: 0,
    erased: 0,
    noticesSent: 0,
    noticesDelivered: 0,
    bounces: 0,
    complaints: 0,
    noticesFailed: 0,
  };
}

const SIMPLE: Record<string, keyof DayStats> = {
  subscribed: 'subscribed',
  pending: 'pending',
  expired: 'expired',
  marketing_opt_out: 'marketingOptOuts',
  marketing_opt_in: 'marketingOptIns',
  erased: 'erased',
  notice_sent: 'noticesSent',
  notice_delivered: 'noticesDelivered',
  notice_bounced: 'bounces',
  notice_complained: 'complaints',
  notice_failed: 'noticesFailed',
};

function addTo(day: DayStats, row: DailyStat): void {
  if (row.metric === 'unsubscribed') {
    day.unsubscribed += row.count;
    day.unsubscribedBySource[row.source] = (day.unsubscribedBySource[row.source] ?? 0) + row.count;
    return;
  }
  if (row.metric.startsWith('suppressed_')) {
    day.suppressed += row.count;
    return;
  }
  const field = SIMPLE[row.metric];
  if (field) (day[field] as number) += row.count;
}

/** The raw counters of a range, for readers that want a metric the series does not name. */
export async function readDailyCounters(db: Kysely<Database>, q: { from: string; to: string; category?: string | undefined }): Promise<DailyStat[]> {
  return listDailyStats(db, { from: q.from, to: q.to, categoryKey: q.category });
}

/** A range's counters of `metrics` summed per day (the source kept only for `bySource`), for charts. */
export async function sumDailyCounters(
  db: Kysely<Database>,
  q: { from: string; to: string; category?: string | undefined },
  metrics: readonly string[],
  bySource: readonly string[] = [],
): Promise<DailyStat[]> {
  return sumDailyStats(db, { from: q.from, to: q.to, categoryKey: q.category }, metrics, bySource);
}
