// One structured line per request (docs/operations.md "Logs"): id, method, route pattern, status,
// duration, the problem code of an error; unexpected errors by name, code and frames only.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { prettyLine } from '../../src/observability/pretty-log.js';
import { type Harness, makeHarness, TEST_ENV, testDialects } from '../support/harness.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';

describe('configuration', () => {
  it('reads LOG_LEVEL, LOG_FORMAT and METRICS_PORT, JSON in production and readable in development', () => {
    const dev = parseConfig(TEST_ENV);
    expect(dev).toMatchObject({ logLevel: 'info', logFormat: 'pretty', metricsPort: undefined });
    const prod = parseConfig({ ...TEST_ENV, NODE_ENV: 'production', LOG_LEVEL: 'warn', METRICS_PORT: '9464' });
    expect(prod).toMatchObject({ logLevel: 'warn', logFormat: 'json', metricsPort: 9464 });
    expect(() => parseConfig({ ...TEST_ENV, LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL: one of fatal, error/);
    expect(() => parseConfig({ ...TEST_ENV, LOG_FORMAT: 'xml' })).toThrow(/^LOG_FORMAT/);
    expect(() => parseConfig({ ...TEST_ENV, METRICS_PORT: '3000' })).toThrow(/^METRICS_PORT: must differ from PORT/);
    expect(() => parseConfig({ ...TEST_ENV, METRICS_PORT: '70000' })).toThrow(/^METRICS_PORT/);
  });

  it('writes a readable line in development', () => {
    const log = captureLogs('info', 'pretty');
    log.logger.info({ event: 'request', requestId: 'r-1', method: 'GET', route: '/u/:token', status: 200, durationMs: 3.2 });
    expect(log.text()).toMatch(/^\d\d:\d\d:\d\d INFO {2}request GET \/u\/:token 200 3\.2ms {2}requestId=r-1\n$/);
    expect(prettyLine('not json\n')).toBe('not json\n');
  });

  it('writes nothing below LOG_LEVEL', () => {
    const log = captureLogs('warn');
    log.logger.info({ event: 'request' });
    log.logger.warn({ event: 'erasure_wal_busy' });
    expect(log.entries().map((e) => e.event)).toEqual(['erasure_wal_busy']);
  });
});

describe.each(testDialects())('request log on %s', (dialect) => {
  let h: Harness;
  let log: LogCapture;
  const last = () => log.entries().at(-1)!;
  beforeAll(async () => {
    log = captureLogs('info');
    h = await makeHarness(dialect, {}, { logger: log.logger });
  });
  afterAll(() => h.close());

  it('writes one line per request with id, method, route pattern, status and duration', async () => {
    const before = log.entries().length;
    const res = await h.request('GET', '/v1/categories');
    expect(log.entries()).toHaveLength(before + 1);
    const line = last();
    expect(line).toMatchObject({ level: 'info', event: 'request', method: 'GET', route: '/v1/categories', status: 200 });
    expect(Object.keys(line).sort()).toEqual(['durationMs', 'event', 'level', 'method', 'pid', 'requestId', 'route', 'status', 'time']);
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(res.headers.get('x-request-id')).toBe(line.requestId);
    expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('honours a well-formed X-Request-Id and replaces any other', async () => {
    const given = await h.request('GET', '/v1/categories', { headers: { 'x-request-id': 'edge-7f3a.2' } });
    expect(given.headers.get('x-request-id')).toBe('edge-7f3a.2');
    expect(last().requestId).toBe('edge-7f3a.2');
    for (const hostile of ['ann@example.com', 'a'.repeat(41), 'id with space', '<script>', h.adminKey]) {
      const res = await h.request('GET', '/v1/categories', { headers: { 'x-request-id': hostile } });
      expect(res.headers.get('x-request-id')).not.toBe(hostile);
      expect(last().requestId).toBe(res.headers.get('x-request-id'));
    }
  });

  it('names the pattern, never the path, and the problem code of an error', async () => {
    await h.request('GET', '/v1/recipients/ann%40example.com');
    expect(last()).toMatchObject({ route: '/v1/recipients/:ref', status: 404, code: 'not_found' });
    await h.request('GET', '/v1/recipients/ann%40example.com', { key: null });
    expect(last()).toMatchObject({ route: '/v1/recipients/:ref', status: 401, code: 'unauthorized' });
    await h.app.request('/u/some.signed.token', { method: 'POST' });
    expect(last()).toMatchObject({ route: '/u/:token' });
    await h.app.request('/no/such/page/tok3n');
    expect(last()).toMatchObject({ route: 'unmatched', status: 404, code: 'not_found' });
    await h.app.request('/healthz', { method: 'PROPFIND' });
    expect(last()).toMatchObject({ method: 'OTHER', route: 'unmatched' });
    expect(log.text()).not.toMatch(/ann(%40|@)example|some\.signed\.token|tok3n/);
  });

  it('logs an unexpected error by name, code and frames, without its message, under the request id', async () => {
    await sql`alter table categories rename to categories_away`.execute(h.handle.db);
    try {
      const res = await h.request('GET', '/v1/categories', { headers: { 'x-request-id': 'boom-1' } });
      expect(res.status).toBe(500);
    } finally {
      await sql`alter table categories_away rename to categories`.execute(h.handle.db);
    }
    const lines = log.entries().filter((e) => e.requestId === 'boom-1');
    expect(lines.map((e) => [e.level, e.event])).toEqual([
      ['error', 'unexpected_error'],
      ['error', 'request'],
    ]);
    expect(lines[0]).toMatchObject({ route: '/v1/categories', errorName: expect.any(String), frames: expect.any(Array) });
    expect(lines[0]).not.toHaveProperty('msg');
    expect(lines[1]).toMatchObject({ status: 500, code: 'internal' });
    expect(JSON.stringify(lines)).not.toMatch(/categories_away|no such table|does not exist/);
  });
});
