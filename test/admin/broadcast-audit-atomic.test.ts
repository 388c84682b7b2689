// Creating or cancelling a broadcast and its ledger event commit together: a failure while writing the
// event (a trigger refusing it, standing in for a crash between the two) leaves neither behind.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsAfter } from '../../src/db/consent-events.js';
import { getBroadcast } from '../../src/domain/broadcasts/broadcasts.js';
import { cancelBroadcastAsOperator, startBroadcastAsOperator } from '../../src/domain/console/broadcasts.js';
import { createNoticeRuntime } from '../../src/domain/notices/runtime.js';
import { seedConsoleDemo } from '../support/console-demo.js';
import { type Harness, testDialects } from '../support/harness.js';
import { seededHarness } from '../support/page-fixtures.js';

const DATA = { headline: 'Winter menu', intro: 'Soups are back.', ctaUrl: 'https://example.com/menu', ctaLabel: 'See the menu' };
const WHO = { source: 'console', actor: 'operator:0193a1b2-0000-7000-8000-000000000001' } as const;

/** Makes the database refuse ledger events of one type, as a crash after the change would lose them. */
async function refuseEvents(h: Harness, type: string | null): Promise<void> {
  const db = h.handle.db;
  if (h.dialect === 'sqlite') {
    await sql`drop trigger if exists refuse_event`.execute(db);
    if (type)
      await sql
        .raw(`create trigger refuse_event before insert on consent_events when new.type = '${type}' begin select raise(abort, 'injected'); end`)
        .execute(db);
    return;
  }
  await sql`drop trigger if exists refuse_event on consent_events`.execute(db);
  if (!type) return;
  await sql
    .raw(`create or replace function refuse_event() returns trigger language plpgsql as $$ begin
      if new.type = '${type}' then raise exception 'injected'; end if; return new; end $$`)
    .execute(db);
  await sql`create trigger refuse_event before insert on consent_events for each row execute function refuse_event()`.execute(db);
}

describe.each(testDialects())('broadcast changes and their ledger events on %s', (dialect) => {
  let h: Harness;
  let ctx: Parameters<typeof startBroadcastAsOperator>[0];
  const count = async () =>
    Number(
      (
        await h.handle.db
          .selectFrom('broadcasts')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const lastEvent = async () => (await listEventsAfter(h.handle.db, 0, 100_000)).at(-1);

  beforeAll(async () => {
    h = await seededHarness(dialect);
    await seedConsoleDemo(h);
    ctx = { db: h.handle.db, config: h.config, runtime: createNoticeRuntime(h.config, h.handle.db), actor: WHO.actor };
  });
  afterAll(() => h.close());

  it('a create whose ledger event fails records no broadcast', async () => {
    const before = await count();
    const head = await lastEvent();
    await refuseEvents(h, 'broadcast_created');
    await expect(startBroadcastAsOperator(ctx, { category: 'newsletter', template: 'newsletter', data: DATA }, WHO)).rejects.toThrow(/injected/);
    await refuseEvents(h, null);
    expect(await count()).toBe(before);
    expect(await lastEvent()).toEqual(head);
    // Without the fault, the same call records both.
    const b = await startBroadcastAsOperator(ctx, { category: 'newsletter', template: 'newsletter', data: DATA }, WHO);
    expect(await count()).toBe(before + 1);
    expect(await lastEvent()).toMatchObject({ type: 'broadcast_created', actor: WHO.actor, detail: expect.stringContaining(b.id) });
  });

  it('a cancel whose ledger event fails leaves the broadcast running', async () => {
    const b = await startBroadcastAsOperator(ctx, { category: 'newsletter', template: 'newsletter', data: DATA }, WHO);
    const head = await lastEvent();
    await refuseEvents(h, 'broadcast_cancelled');
    await expect(cancelBroadcastAsOperator(ctx, b.id, WHO, b)).rejects.toThrow(/injected/);
    await refuseEvents(h, null);
    expect((await getBroadcast(ctx, b.id)).status).toBe('queued');
    expect(await lastEvent()).toEqual(head);
    await cancelBroadcastAsOperator(ctx, b.id, WHO, b);
    expect(await getBroadcast(ctx, b.id)).toMatchObject({ status: 'failed', error: `cancelled by ${WHO.actor}` });
    expect(await lastEvent()).toMatchObject({ type: 'broadcast_cancelled', actor: WHO.actor });
  });
});
