// GET /v1/events?noticeId=…&broadcastId=… (issue 12): the changes made through one mail's links, read as
// a range of an index on the ledger's trace columns. The columns copy the hashed detail: the chain still
// verifies, an edit to them is named, and the migration fills them for events written before it.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as traceColumns from '../../migrations/2026-12-01-0085-event-trace-columns.js';
import { newId } from '../../src/core/ids.js';
import { appendConsentEvents } from '../../src/db/consent-events.js';
import { selectEventsAfter } from '../../src/db/ledger.js';
import { verifyLedger } from '../../src/domain/consent/ledger-verify.js';
import { linksFor } from '../../src/domain/links/email-links.js';
import { getCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

const oneClick = { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
type Event = { id: string; type: string; recipientId: string; noticeId?: string; broadcastId?: string };

describe.each(testDialects())('events filtered by the mail they came from on %s', (dialect) => {
  let h: Harness;
  const broadcastId = newId();
  const notices = [newId(), newId(), newId()];
  const people: string[] = [];
  const query = async (q: string) => {
    const res = await h.request('GET', `/v1/events?${q}`);
    expect(res.status).toBe(200);
    return (await res.json()) as { data: Event[]; next: string | null };
  };

  /** Subscribes a new person to both categories and unsubscribes them from both through links in `trace`'s mail. */
  async function unsubscribeThrough(tag: string, trace: { noticeId: string; broadcastId?: string }) {
    const ctx = { source: 'api' as const, actor: 'test' };
    const { recipient } = await upsertRecipient(
      h.handle.db,
      h.config.hashKey,
      { email: `${tag}@example.com`, subscriptions: { news: 'subscribed', tips: 'subscribed' } },
      ctx,
    );
    for (const key of ['news', 'tips']) {
      const { oneClickUrl } = linksFor(h.config, recipient.id, await getCategory(h.handle.db, key), trace);
      expect((await h.app.request(new URL(oneClickUrl!).pathname, oneClick)).status).toBe(200);
    }
    people.push(recipient.id);
  }

  beforeAll(async () => {
    h = await makeHarness(dialect);
    for (const key of ['news', 'tips']) await h.request('POST', '/v1/categories', { body: { key, name: key, kind: 'marketing' } });
    await unsubscribeThrough('one', { noticeId: notices[0]!, broadcastId });
    await unsubscribeThrough('two', { noticeId: notices[1]!, broadcastId });
    await unsubscribeThrough('three', { noticeId: notices[2]! });
  });
  afterAll(() => h.close());

  it('keeps the changes made through one notice, or through any notice of one broadcast, in ledger order', async () => {
    const one = await query(`noticeId=${notices[0]}`);
    expect(one.data.map((e) => [e.type, e.recipientId, e.noticeId, e.broadcastId])).toEqual([
      ['unsubscribed', people[0], notices[0], broadcastId],
      ['unsubscribed', people[0], notices[0], broadcastId],
    ]);
    const all = await query(`broadcastId=${broadcastId}`);
    expect(all.data.map((e) => e.noticeId)).toEqual([notices[0], notices[0], notices[1], notices[1]]);
    expect((await query(`noticeId=${notices[1]}&broadcastId=${broadcastId}`)).data.map((e) => e.recipientId)).toEqual([people[1], people[1]]);
    // Both must hold: the third notice belongs to no broadcast.
    expect((await query(`noticeId=${notices[2]}&broadcastId=${broadcastId}`)).data).toEqual([]);
    expect((await query(`noticeId=${notices[2]}&category=tips`)).data).toHaveLength(1);
    expect((await query(`noticeId=${notices[2]}&type=subscribed`)).data).toEqual([]);
  });

  it('pages with the cursor and streams CSV under the same filter', async () => {
    const first = await query(`broadcastId=${broadcastId}&limit=3`);
    expect(first.data).toHaveLength(3);
    const rest = await query(`broadcastId=${broadcastId}&after=${first.next}`);
    expect(rest).toEqual({ data: [expect.objectContaining({ noticeId: notices[1] })], next: null });
    const csv = await (await h.request('GET', `/v1/events?noticeId=${notices[1]}`, { headers: { accept: 'text/csv' } })).text();
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(1)) expect(line.endsWith(`,${notices[1]},${broadcastId}`)).toBe(true);
  });

  it('answers an empty page for ids that name no mail', async () => {
    expect(await query(`noticeId=${newId()}`)).toEqual({ data: [], next: null });
    expect(await query(`broadcastId=${notices[0]}`)).toEqual({ data: [], next: null });
  });

  it.each([
    ['a word', 'noticeId=latest', 'noticeId'],
    ['an upper-case id', `broadcastId=${'0'.repeat(8)}-0000-7000-8000-00000000000A`, 'broadcastId'],
    ['SQL', `noticeId=${encodeURIComponent("' or 1=1 --")}`, 'noticeId'],
    // Refused for the whole query before any route reads it (src/http/problem.ts).
    ['a NUL', `broadcastId=${encodeURIComponent(`${newId()}\u0000`)}`, '(query)'],
    ['CRLF', `noticeId=${encodeURIComponent(`${newId()}\r\nx`)}`, 'noticeId'],
    ['markup', `noticeId=${encodeURIComponent('<script>alert(1)</script>')}`, 'noticeId'],
    ['an oversized value', `noticeId=${'a'.repeat(100_000)}`, 'noticeId'],
  ])('answers 422 problem+json for %s', async (_label, q, path) => {
    const res = await h.request('GET', `/v1/events?${q}`);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = await res.json();
    expect(body.errors[0].path).toBe(path);
    expect(JSON.stringify(body)).not.toContain('<script>');
  });

  it('reads a filter as a range of the trace index, not a scan of the ledger', async () => {
    // A ledger mostly of changes that came through no mail, as a real one is; statistics taken.
    const at = new Date().toISOString();
    await h.handle.db.transaction().execute((trx) =>
      appendConsentEvents(
        trx,
        Array.from({ length: 3000 }, () => ({
          type: 'subscribed' as const,
          recipientId: null,
          categoryKey: 'news',
          source: 'api' as const,
          actor: 'test',
          at,
        })),
      ),
    );
    await sql`analyze`.execute(h.handle.db);
    for (const [filter, index, column] of [
      [{ noticeId: notices[0] }, 'consent_events_notice_idx', 'notice_id'],
      [{ broadcastId }, 'consent_events_broadcast_idx', 'broadcast_id'],
    ] as const) {
      const compiled = selectEventsAfter(h.handle.db, 5, 100, filter).compile();
      const plan =
        dialect === 'postgres'
          ? (await h.handle.db.executeQuery<{ 'QUERY PLAN': string }>({ ...compiled, sql: `explain ${compiled.sql}` })).rows
              .map((r) => r['QUERY PLAN'])
              .join('\n')
          : (await h.handle.db.executeQuery<{ detail: string }>({ ...compiled, sql: `explain query plan ${compiled.sql}` })).rows
              .map((r) => r.detail)
              .join('\n');
      if (dialect === 'postgres') {
        // An index scan or, for the few rows a mail's changes are, a bitmap of the same range.
        expect(plan).toMatch(new RegExp(`(Index Scan using|Bitmap Index Scan on) ${index}`));
        expect(plan).toMatch(new RegExp(`Index Cond: \\(\\(${column} = .*\\) AND \\(seq > .*\\)\\)`));
        expect(plan).not.toContain('Seq Scan');
      } else {
        expect(plan).toContain(`SEARCH consent_events USING INDEX ${index} (${column}=? AND seq>?)`);
        expect(plan).not.toContain('TEMP B-TREE');
      }
    }
  });

  it('keeps the chain verifying; an edited trace column is named, and the migration fills the columns from the detail', async () => {
    expect(await verifyLedger(h.handle.db)).toMatchObject({ ok: true });
    const [victim] = (await query(`noticeId=${notices[2]}`)).data;
    await sql`update consent_events set notice_id = ${notices[0]} where id = ${victim!.id}`.execute(h.handle.db);
    const edited = await verifyLedger(h.handle.db);
    expect(edited).toMatchObject({ ok: false, broken: { id: victim!.id, problem: expect.stringContaining('notice_id or broadcast_id') } });

    // Back to the state before the migration, then forward: every traced event is found again.
    await traceColumns.down(h.handle.db);
    await traceColumns.up(h.handle.db);
    expect(await verifyLedger(h.handle.db)).toMatchObject({ ok: true });
    expect((await query(`noticeId=${notices[2]}`)).data.map((e) => e.id)).toContain(victim!.id);
    expect((await query(`broadcastId=${broadcastId}`)).data).toHaveLength(4);
    const traced = await h.handle.db
      .selectFrom('consent_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('notice_id', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(traced.n)).toBe(people.length * 2);
  });
});
