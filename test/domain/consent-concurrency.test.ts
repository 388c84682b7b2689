// Two real server processes on one database, and 16 clients changing the same 50 people at once through
// one-click, the preference page and PATCH: no change is ever answered with a 500 (deadlocks and
// serialization failures are retried in src/db/transaction.ts), and the ledger stays a true account of
// each person: every event starts from the state the one before it left, and the last event is the state.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createApiKey } from '../../src/domain/access/api-keys.js';
import { verifyLedger } from '../../src/domain/consent/ledger-verify.js';
import { linksFor, preferencesUrlFor } from '../../src/domain/links/email-links.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { createDatabase, TEST_ENV, testDialects } from '../support/harness.js';
import { freePort } from '../support/postgres-cluster.js';
import { type Server, startServer } from '../support/processes.js';

const PEOPLE = 50;
const CLIENTS = 16;
// SQLite has one writer for both processes: a shorter run makes the same point with fewer changes.
const LOAD_MS = { sqlite: 8_000, postgres: 15_000 } as const;
const ORIGIN = TEST_ENV.PUBLIC_URL;

interface Person {
  id: string;
  oneClick: string;
  preferences: string;
}

describe.each(testDialects())('concurrent consent changes from two instances on %s', (dialect) => {
  let dataDir: string;
  let database: { url: string; drop: () => Promise<void> };
  const servers: Server[] = [];
  const bases: string[] = [];
  const people: Person[] = [];
  let key: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mailprefs-concurrency-'));
    database = await createDatabase(dialect);
    const config = parseConfig({ ...TEST_ENV, DATABASE_URL: database.url });
    const handle = openDatabase(database.url);
    try {
      await migrateToLatest(handle.db);
      const news = await createCategory(handle.db, { key: 'news', name: 'Newsletter', kind: 'marketing' });
      key = (await createApiKey(handle.db, 'load', ['admin'])).key;
      for (let i = 0; i < PEOPLE; i++) {
        const input = { email: `p${i}@example.com`, subscriptions: { news: 'subscribed' as const } };
        const { recipient } = await upsertRecipient(handle.db, config.hashKey, input, { source: 'api', actor: 'test' });
        const links = linksFor(config, recipient.id, news);
        people.push({
          id: recipient.id,
          oneClick: new URL(links.oneClickUrl!).pathname,
          preferences: new URL(preferencesUrlFor(config, recipient.id)).pathname,
        });
      }
    } finally {
      await handle.close();
    }
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      servers.push(startServer({ ...TEST_ENV, DATA_DIR: dataDir, DATABASE_URL: database.url, PORT: String(port) }));
      bases.push(`http://127.0.0.1:${port}`);
    }
    await Promise.all(servers.map((s) => s.waitFor(/listening/, 60_000)));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers every change below 500 and keeps each person’s ledger a chain', { timeout: 120_000 }, async () => {
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const until = Date.now() + LOAD_MS[dialect];
    const change = (n: number) => {
      const person = people[Math.floor(Math.random() * PEOPLE)]!;
      const base = bases[n % bases.length]!;
      const want = Math.random() < 0.5;
      switch (n % 3) {
        case 0:
          return fetch(base + person.oneClick, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'List-Unsubscribe=One-Click',
          });
        case 1: {
          const form = new URLSearchParams({ action: 'save', shown: 'news', ...(want && { subscribe: 'news' }) });
          return fetch(base + person.preferences, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
            body: form.toString(),
          });
        }
        default: {
          const body = Math.random() < 0.3 ? { marketingOptOut: want } : { subscriptions: { news: want ? 'subscribed' : 'unsubscribed' } };
          return fetch(`${base}/v1/recipients/${person.id}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify(body),
          });
        }
      }
    };
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let n = client; Date.now() < until; n += CLIENTS) {
          try {
            const res = await change(n);
            await res.arrayBuffer();
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          } catch (err) {
            failures.push(String(err));
          }
        }
      }),
    );
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    const fivehundreds = [...statuses].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0);
    console.log(
      `${dialect}: ${total} changes in ${LOAD_MS[dialect]} ms from ${CLIENTS} clients on 2 instances: ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(failures).toEqual([]);
    expect(fivehundreds, servers.map((s) => s.output()).join('\n')).toBe(0);
    expect([...statuses.keys()].sort()).toEqual([200]);
    expect(total).toBeGreaterThan(CLIENTS * 3);

    const handle = openDatabase(database.url);
    try {
      const events = await handle.db.selectFrom('consent_events').select(['recipient_id', 'type', 'category_key', 'detail']).orderBy('seq').execute();
      const subscriptions = await handle.db.selectFrom('subscriptions').select(['recipient_id', 'status']).execute();
      const optOuts = await handle.db.selectFrom('recipients').select(['id', 'marketing_opt_out']).execute();
      for (const person of people) {
        const mine = events.filter((e) => e.recipient_id === person.id);
        let state: unknown = null;
        for (const e of mine.filter((x) => x.category_key === 'news')) {
          const { from, to } = JSON.parse(e.detail!) as { from: unknown; to: unknown };
          expect(from, `person ${person.id}`).toBe(state);
          expect(to).not.toBe(from);
          state = to;
        }
        expect(subscriptions.find((s) => s.recipient_id === person.id)?.status).toBe(state);
        let optedOut = false;
        for (const e of mine.filter((x) => x.type.startsWith('marketing_opt'))) {
          expect(e.type).toBe(optedOut ? 'marketing_opt_in' : 'marketing_opt_out');
          optedOut = !optedOut;
        }
        expect(Boolean(optOuts.find((r) => r.id === person.id)?.marketing_opt_out)).toBe(optedOut);
      }
      expect(await verifyLedger(handle.db)).toMatchObject({ ok: true, events: events.length });
    } finally {
      await handle.close();
    }
  });
});
