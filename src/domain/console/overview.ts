// What the console's overview shows for a period and category, read from the daily counters each change
// bumps in its own transaction (src/domain/stats): a few thousand rows, whatever the ledger's size.
// Gmail and Yahoo hold bulk senders to a spam rate under 0.3%, and ask for under 0.1% (docs/standards.md).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { readDailyCounters, readDailyStats } from '../stats/daily-stats.js';

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
}

export interface Overview {
  from: string;
  to: string;
  category: string | null;
  days: OverviewDay[];
  optOutsByChannel: Record<OptOutChannel, number>;
  totals: { optIns: number; optOuts: number; sent: number; failed: number; bounceRate: number | null; complaintRate: number | null };
}

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** The one reader behind the overview: switching where aggregates come from is a change here only. */
export async function loadOverview(db: Kysely<Database>, q: { from: string; to: string; category?: string | undefined }): Promise<Overview> {
  const [series, counters] = await Promise.all([readDailyStats(db, q), readDailyCounters(db, q)]);
  const days = series.days.map((d) => {
    const optOuts = d.unsubscribed + d.marketingOptOuts;
    return {
      date: d.date,
      optIns: d.subscribed + d.marketingOptIns,
      optOuts,
      sent: d.noticesSent,
      failed: d.noticesFailed,
      bounces: d.bounces,
      complaints: d.complaints,
      bounceRate: rate(d.bounces, d.noticesSent),
      complaintRate: rate(d.complaints, d.noticesSent),
    };
  });
  const optOutsByChannel = Object.fromEntries(OPT_OUT_CHANNELS.map((c) => [c, 0])) as Record<OptOutChannel, number>;
  for (const c of counters) {
    if (c.metric !== 'unsubscribed' && c.metric !== 'marketing_opt_out') continue;
    optOutsByChannel[CHANNEL_OF[c.source] ?? 'other'] += c.count;
  }
  const sum = (f: (d: OverviewDay) => number) => days.reduce((n, d) => n + f(d), 0);
  const sent = sum((d) => d.sent);
  return {
    from: series.from,
    to: series.to,
    category: series.category,
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
    },
  };
}
