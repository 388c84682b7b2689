// Daily counters of what changed, bumped in the transaction that makes each change: appendConsentEvents
// and addNoticeEvents call countDailyStats, so no caller can forget and no reader needs a scan.
// Shape kept stable for the console (issue 13): one row per (day, metric, category, source).
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

/** One counted change. `categoryKey` and `source` are null when they do not apply. */
export interface StatIncrement {
  /** The change's time, ISO-8601 UTC; its first ten characters are the day. */
  at: string;
  metric: string;
  categoryKey: string | null;
  source: string | null;
}

export interface DailyStat {
  day: string;
  metric: string;
  /** '' when the change concerns no one category. */
  categoryKey: string;
  /** '' for notice events. */
  source: string;
  count: number;
}

/** The metric a consent event counts under: its type, with the reason for suppressions. */
export function consentEventMetric(type: string, detail: Record<string, unknown> | null | undefined): string {
  if ((type === 'suppressed' || type === 'unsuppressed') && typeof detail?.reason === 'string') return `${type}_${detail.reason}`;
  return type;
}

/** Adds the increments; the same day, metric, category and source are merged first (PostgreSQL refuses
 * an upsert that touches one row twice in a statement). */
export async function countDailyStats(trx: Kysely<Database>, increments: readonly StatIncrement[]): Promise<void> {
  if (increments.length === 0) return;
  const merged = new Map<string, DailyStat>();
  for (const i of increments) {
    const row = { day: i.at.slice(0, 10), metric: i.metric, categoryKey: i.categoryKey ?? '', source: i.source ?? '', count: 1 };
    // NUL separates: no day, metric, category key or source contains one (a ledger event's counters are merged per event).
    const key = `${row.day}\0${row.metric}\0${row.categoryKey}\0${row.source}`;
    const seen = merged.get(key);
    if (seen) seen.count += 1;
    else merged.set(key, row);
  }
  const rows = [...merged.values()].map((r) => ({ day: r.day, metric: r.metric, category_key: r.categoryKey, source: r.source, count: r.count }));
  for (let i = 0; i < rows.length; i += 1000) {
    await trx
      .insertInto('daily_stats')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['day', 'metric', 'category_key', 'source']).doUpdateSet({ count: sql`daily_stats.count + excluded.count` }))
      .execute();
  }
}

// Counters of the days from `from` to `to` (inclusive, YYYY-MM-DD); with a category, that category's
// rows and the category-less ones (a marketing opt-out or a suppression concerns every category).
export async function listDailyStats(db: Kysely<Database>, range: { from: string; to: string; categoryKey?: string | undefined }): Promise<DailyStat[]> {
  let q = db.selectFrom('daily_stats').selectAll().where('day', '>=', range.from).where('day', '<=', range.to);
  if (range.categoryKey !== undefined) q = q.where('category_key', 'in', [range.categoryKey, '']);
  const rows = await q.orderBy('day').orderBy('metric').orderBy('category_key').orderBy('source').execute();
  // pg returns bigint as text.
  return rows.map((r) => ({ day: r.day, metric: r.metric, categoryKey: r.category_key, source: r.source, count: Number(r.count) }));
}

// The counters of a range summed per day and metric, only for `metrics`, keeping the source apart only
// for `bySource`: what a chart needs, added up by the database instead of read row by row (a year of
// counters is ~16,000 rows at four categories and five sources; this returns a tenth of them).
export async function sumDailyStats(
  db: Kysely<Database>,
  range: { from: string; to: string; categoryKey?: string | undefined },
  metrics: readonly string[],
  bySource: readonly string[],
): Promise<DailyStat[]> {
  // Literals, not parameters: PostgreSQL matches the GROUP BY to the select list by text, and two
  // parameter lists ($1, $2 and $7, $8) would differ. The names are ours (metric constants), not input.
  const kept = sql.join((bySource.length > 0 ? bySource : ['']).map((m) => sql.lit(m)));
  const source = sql<string>`case when metric in (${kept}) then source else '' end`;
  let q = db
    .selectFrom('daily_stats')
    .select((eb) => ['day', 'metric', source.as('source'), eb.fn.sum<number | string>('count').as('count')])
    .where('day', '>=', range.from)
    .where('day', '<=', range.to)
    .where('metric', 'in', metrics);
  if (range.categoryKey !== undefined) q = q.where('category_key', 'in', [range.categoryKey, '']);
  const rows = await q.groupBy(['day', 'metric', source]).orderBy('day').execute();
  // pg returns sum(bigint) as numeric text.
  return rows.map((r) => ({ day: r.day, metric: r.metric, categoryKey: range.categoryKey ?? '', source: r.source, count: Number(r.count) }));
}
