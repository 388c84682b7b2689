import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutbox } from '../../src/db/dev-outbox.js';
import { fillDemo } from '../../src/demo.js';
import { createOutboxTransport } from '../../src/domain/notices/outbox-transport.js';
import { createNoticeRuntime } from '../../src/domain/notices/runtime.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

describe.each(testDialects())('mailprefs demo on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect);
  });
  afterAll(() => h.close());

  it('fills an empty database and keeps its notices in the outbox, marketing only to the eligible', async () => {
    const runtime = createNoticeRuntime(h.config, h.handle.db, { transport: createOutboxTransport(h.handle.db) });
    expect(await fillDemo(h.handle.db, h.config, runtime)).toEqual({ sent: 3, skipped: 2 });
    const outbox = await listOutbox(h.handle.db, 10);
    expect(outbox.map((e) => e.to_address).sort()).toEqual(['ada@example.com', 'ada@example.com', 'grace@example.com']);
    const cats = await (await h.request('GET', '/v1/categories')).json();
    expect(cats.data.map((c: { kind: string }) => c.kind).sort()).toEqual(['marketing', 'marketing', 'transactional']);
  });

  it('refuses a database that is not empty', async () => {
    const runtime = createNoticeRuntime(h.config, h.handle.db, { transport: createOutboxTransport(h.handle.db) });
    await expect(fillDemo(h.handle.db, h.config, runtime)).rejects.toMatchObject({ code: 'conflict' });
  });
});
