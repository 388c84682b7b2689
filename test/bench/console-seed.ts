// Seeds the console benchmark in bulk: recipients and ledger events generated inside the database
// (a recursive CTE on SQLite, generate_series on PostgreSQL), then the daily counters those events
// would have bumped, one GROUP BY, plus a year of notice counters and of opt-out-to-webhook buckets.
// Ids keep newId()'s shape.
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/db/database.js';

const SOURCES = ['one_click', 'preference_page', 'api', 'import', 'unsubscribe_page'];
const CATEGORIES = ['newsletter', 'offers', 'events', 'product'];

export async function seedConsoleScale(handle: DatabaseHandle, recipients: number, events: number): Promise<void> {
  const at = new Date().toISOString();
  const now = Date.now();
  if (handle.sqlite) {
    const db = handle.sqlite;
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(`with recursive s(i) as (select 0 union all select i + 1 from s where i < ${recipients - 1})
      insert into recipients select printf('00000000-0000-7000-8000-%012x', i), 'user' || i || '@example.com', 'user' || i || '@example.com',
        'crm-' || i, null, 0, '${at}', '${at}' from s`);
    // Events over the last 365 days, newest last, in seq order: types, sources and categories rotate.
    db.exec(`with recursive s(i) as (select 1 union all select i + 1 from s where i < ${events})
      insert into consent_events select printf('00000000-0000-7000-9000-%012x', i), i,
        case i % 3 when 0 then 'unsubscribed' else 'subscribed' end,
        printf('00000000-0000-7000-8000-%012x', i % ${recipients}),
        case i % 4 ${CATEGORIES.map((c, k) => `when ${k} then '${c}'`).join(' ')} end,
        case i % 5 ${SOURCES.map((s, k) => `when ${k} then '${s}'`).join(' ')} end,
        'system', null, null, null,
        strftime('%Y-%m-%dT%H:%M:%fZ', ${now / 1000} - 365 * 86400 + (i * 365.0 * 86400 / ${events}), 'unixepoch'),
        printf('%064x', i - 1), printf('%064x', i) from s`);
    db.pragma('journal_mode = WAL');
  } else {
    const [lit, n] = [sql.lit(at), (v: number) => sql.lit(v)];
    await sql`insert into recipients (id, email, email_normalized, external_id, locale, marketing_opt_out, created_at, updated_at) select '00000000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'), 'user' || i || '@example.com', 'user' || i || '@example.com',
      'crm-' || i, null, 0, ${lit}, ${lit} from generate_series(0, ${n(recipients - 1)}) i`.execute(handle.db);
    await sql`insert into consent_events (id, seq, type, recipient_id, category_key, source, actor, ip, user_agent, detail, at, prev_hash, hash) select '00000000-0000-7000-9000-' || lpad(to_hex(i), 12, '0'), i,
      case i % 3 when 0 then 'unsubscribed' else 'subscribed' end,
      '00000000-0000-7000-8000-' || lpad(to_hex(i % ${n(recipients)}), 12, '0'),
      (array['newsletter','offers','events','product'])[i % 4 + 1],
      (array['one_click','preference_page','api','import','unsubscribe_page'])[i % 5 + 1],
      'system', null, null, null,
      to_char(to_timestamp(${n(now / 1000)} - 365 * 86400 + (i * 365.0 * 86400 / ${n(events)})) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      lpad(to_hex(i - 1), 64, '0'), lpad(to_hex(i), 64, '0') from generate_series(1, ${n(events)}) i`.execute(handle.db);
  }
  await sql`insert into daily_stats (day, metric, category_key, source, count)
    select substr(at, 1, 10), type, coalesce(category_key, ''), source, count(*) from consent_events group by 1, 2, 3, 4`.execute(handle.db);
  const notices: { day: string; metric: string; category_key: string; source: string; count: number }[] = [];
  for (let d = 0; d < 365; d++) {
    const day = new Date(now - d * 86_400_000).toISOString().slice(0, 10);
    for (const [metric, count] of [
      ['notice_sent', 40_000],
      ['notice_delivered', 39_500],
      ['notice_bounced', 40],
      ['notice_complained', 12],
      ['notice_failed', 9],
    ] as const) {
      notices.push({ day, metric, category_key: 'newsletter', source: '', count });
    }
    // How long that day's opt-outs took to reach webhook endpoints, in the buckets deliveries bump.
    for (const category of CATEGORIES)
      for (const [bound, count] of [
        ['1', 900],
        ['5', 80],
        ['60', 15],
        ['3600', 5],
      ] as const)
        notices.push({ day, metric: `webhook_opt_out_le_${bound}`, category_key: category, source: '', count });
  }
  for (let i = 0; i < notices.length; i += 500)
    await handle.db
      .insertInto('daily_stats')
      .values(notices.slice(i, i + 500))
      .execute();
  if (handle.sqlite) handle.sqlite.exec('analyze');
  else await sql`analyze`.execute(handle.db);
}
