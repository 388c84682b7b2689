// The notice and broadcast a consent change came through, as columns of the ledger so that
// GET /v1/events?noticeId=…&broadcastId=… is an index range (docs/api.md "Events"). They are copies of
// the ids in the hashed `detail`, not new hashed content: the chain is unchanged, and verification checks
// that the copies match (src/domain/consent/ledger-verify.ts). Existing events are filled from their
// detail. Partial indexes: most events came through no mail, and those take no index space. Uses
// Kysely<any> and no application code.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

const TRACE = [
  ['notice_id', 'noticeId', 'consent_events_notice_idx'],
  ['broadcast_id', 'broadcastId', 'consent_events_broadcast_idx'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const [column, key, index] of TRACE) {
    await db.schema.alterTable('consent_events').addColumn(column, 'text').execute();
    // Only a string is an id (what the API showed before: src/domain/consent/ledger-history.ts); the LIKE
    // keeps the JSON parsing to the events that name one, as JSON.stringify wrote them.
    const value = postgres
      ? sql`case when jsonb_typeof(detail::jsonb -> ${sql.lit(key)}) = 'string' then detail::jsonb ->> ${sql.lit(key)} end`
      : sql`case when json_valid(detail) and json_type(detail, ${sql.lit(`$.${key}`)}) = 'text' then json_extract(detail, ${sql.lit(`$.${key}`)}) end`;
    await db.updateTable('consent_events').set(column, value).where('detail', 'like', `%"${key}":"%`).execute();
    await db.schema.createIndex(index).on('consent_events').columns([column, 'seq']).where(sql.ref(column), 'is not', null).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [column, , index] of TRACE) {
    await db.schema.dropIndex(index).execute();
    await db.schema.alterTable('consent_events').dropColumn(column).execute();
  }
}
